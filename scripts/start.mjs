// @ts-check
// `npm start`, after the build: the server, and beside it the simulator as a process of its own that
// connects over MQTT like real devices (CONTRACT §7: in the demo, or with SIMULATOR=on). One command,
// one Ctrl-C: a signal stops both; if either stops by itself, the other is stopped and the exit code
// is non-zero.
//
// A launcher of our own rather than a process runner such as concurrently: the simulator must start
// only once the server is ready, on the ports and site files the server chose from its validated
// environment, and not at all outside the demo. The server says all of that on the IPC channel
// (ServerReady in apps/server/src/main.ts), so nothing here reads or defaults an environment variable,
// and no dependency is added for it.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER = join(ROOT, 'apps/server/dist/main.js');
const SIMULATOR = join(ROOT, 'firmware-sim/dist/cli/main.js');
/** After a stop signal, how long the two have before they are killed (the server forces its own exit at 10 s). */
const STOP_WITHIN_MS = 15_000;

/**
 * @typedef {{ type: 'ready', httpUrl: string, mqttUrl: string, siteConfig: string, demo: boolean, simulator: boolean }} ServerReady
 * @typedef {import('node:child_process').ChildProcess} ChildProcess
 */

/** @type {Map<string, ChildProcess>} */
const running = new Map();
let stopping = false;
let exitCode = 0;

/**
 * @param {string} name
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, ipc?: boolean }} [options] ipc: the child may tell us things (the server's ServerReady)
 */
function start(name, args, { env = process.env, ipc = false } = {}) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'inherit', 'inherit', ...(ipc ? /** @type {const} */ (['ipc']) : [])] });
  running.set(name, child);
  console.log(`npm start: ${name} pid ${child.pid}`);
  child.once('exit', (code, signal) => {
    running.delete(name);
    if (!stopping) {
      console.error(`npm start: the ${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest`);
      exitCode = code || 1;
      stop('SIGTERM');
    } else if (code !== 0) {
      exitCode ||= code ?? 1;
    }
    if (running.size === 0) process.exit(exitCode);
  });
  return child;
}

/** @param {NodeJS.Signals} signal */
function stop(signal) {
  if (stopping) return;
  stopping = true;
  for (const child of running.values()) child.kill(signal);
  setTimeout(() => {
    for (const [name, child] of running) {
      console.error(`npm start: the ${name} did not stop within ${STOP_WITHIN_MS / 1000} s; killed`);
      child.kill('SIGKILL');
    }
    exitCode ||= 1;
  }, STOP_WITHIN_MS).unref();
}

/** @param {ServerReady} ready */
function startSimulator(ready) {
  const args = ['run', '--url', ready.mqttUrl, '--server', ready.httpUrl, '--site', ready.siteConfig, '--patrol', '--estate'];
  // The demo opens with alerts and orders within 2 minutes (issue 12 point 9); the devices stop with the server, without farewells.
  if (ready.demo) args.push('--opening');
  args.push('--quiet-stop');
  // A server on HTTPS with its own certificate: the simulator's one HTTP conversation trusts it.
  const tls = process.env.TLS_CERT_FILE ? { NODE_EXTRA_CA_CERTS: process.env.TLS_CERT_FILE } : {};
  start('simulator', [SIMULATOR, ...args], { env: { ...process.env, ...tls } });
}

const server = start('server', [SERVER], { ipc: true });
server.on('message', (/** @type {Partial<ServerReady>} */ message) => {
  if (message?.type !== 'ready' || stopping) return;
  const ready = /** @type {ServerReady} */ (message);
  if (ready.simulator) startSimulator(ready);
  else console.log('npm start: no simulator (SITE_CONFIG is set and SIMULATOR is not on)');
});

// Ctrl-C reaches the children from the terminal too; each stops once, whatever the number of signals.
// A hang-up (the terminal closed) stops everything; `kill -HUP` on the server's pid reloads its site files.
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGHUP', () => stop('SIGTERM'));
// The launcher itself failing must not leave the two running without it.
process.on('exit', () => {
  for (const child of running.values()) child.kill('SIGTERM');
});
