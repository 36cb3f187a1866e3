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
/** How long the server waits for the simulator's devices to disconnect before it stops anyway. */
const DEVICES_FIRST_MS = 5_000;

/**
 * @typedef {{ type: 'ready', httpUrl: string, mqttUrl: string, siteConfig: string, demo: boolean, simulator: boolean }} ServerReady
 * @typedef {import('node:child_process').ChildProcess} ChildProcess
 */

/** @type {Map<string, ChildProcess>} */
const running = new Map();
let stopping = false;
let exitCode = 0;

/**
 * Each child in a session of its own, so a Ctrl-C in the terminal reaches only this launcher, which
 * stops the two in order; each has an IPC channel, whose closing tells it this launcher is gone (even
 * by kill -9) and it should stop too.
 * @param {string} name
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} [env]
 */
function start(name, args, env = process.env) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  running.set(name, child);
  console.log(`npm start: ${name} pid ${child.pid}`);
  child.once('exit', (code, signal) => {
    running.delete(name);
    if (!stopping) {
      console.error(`npm start: the ${name} stopped (${signal ?? `exit code ${code}`}); stopping the rest`);
      exitCode = code || 1;
      void stop('SIGTERM');
    } else if (code !== 0) {
      exitCode ||= code ?? 1;
    }
    if (running.size === 0) process.exit(exitCode);
  });
  return child;
}

/**
 * The simulator first, then the server: devices that DISCONNECT cleanly leave no last will, whereas
 * the embedded broker closing under them would publish their retained offline statuses for the next
 * start to find (what the simulator in the server's process used to avoid by stopping first).
 * @param {NodeJS.Signals} signal
 */
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => {
    for (const [name, child] of running) {
      console.error(`npm start: the ${name} did not stop within ${STOP_WITHIN_MS / 1000} s; killed`);
      child.kill('SIGKILL');
    }
    exitCode ||= 1;
  }, STOP_WITHIN_MS);
  force.unref();
  const simulator = running.get('simulator');
  if (simulator) {
    simulator.kill(signal);
    await new Promise((done) => {
      simulator.once('exit', done);
      setTimeout(done, DEVICES_FIRST_MS).unref();
    });
  }
  running.get('server')?.kill(signal);
}

/** @param {ServerReady} ready */
function startSimulator(ready) {
  const args = ['run', '--url', ready.mqttUrl, '--server', ready.httpUrl, '--site', ready.siteConfig, '--patrol', '--estate'];
  // The demo opens with alerts and orders within 2 minutes (issue 12 point 9); the devices stop with the server, without farewells.
  if (ready.demo) args.push('--opening');
  args.push('--quiet-stop');
  // A server on HTTPS with its own certificate: the simulator's one HTTP conversation trusts it.
  const tls = process.env.TLS_CERT_FILE ? { NODE_EXTRA_CA_CERTS: process.env.TLS_CERT_FILE } : {};
  start('simulator', [SIMULATOR, ...args], { ...process.env, ...tls });
}

const server = start('server', [SERVER]);
server.on('message', (message) => {
  const ready = /** @type {ServerReady} */ (message);
  if (ready?.type !== 'ready' || stopping) return;
  if (ready.simulator) startSimulator(ready);
  else console.log('npm start: no simulator (SITE_CONFIG is set and SIMULATOR is not on)');
});

// A hang-up (the terminal closed) stops everything; `kill -HUP` on the server's pid reloads its site files.
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGHUP', () => void stop('SIGTERM'));
// The launcher itself failing must not leave the two running without it.
process.on('exit', () => {
  for (const child of running.values()) child.kill('SIGTERM');
});
