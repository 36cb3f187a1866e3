// A Mosquitto of a test's own: deploy/mosquitto/mosquitto.conf as shipped (persistence,
// autosave_interval, queue limits), with this machine's plugin path, its own port, credentials
// and persistence directory. It can be stopped with SIGTERM or SIGKILL and started again.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SiteConfig } from '@estate-watch/contracts';
import { buildDynsecConfig, type ServiceAccount } from '../../deploy/mosquitto/dynsec-config';
import { freePort } from './server-process';

const DEBIAN_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';
const DEPLOY_CONF = resolve(__dirname, '../../deploy/mosquitto/mosquitto.conf');

export interface OwnMosquitto {
  port: number;
  url: string;
  /** The shipped file's autosave_interval, in seconds. */
  autosaveSec: number;
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  start(): Promise<void>;
  log(): string;
  remove(): Promise<void>;
}

export async function startMosquitto(sites: SiteConfig[], service: ServiceAccount): Promise<OwnMosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'estate-mosq-'));
  const port = await freePort();
  const dynsec = join(dir, 'dynamic-security.json');
  writeFileSync(dynsec, JSON.stringify(buildDynsecConfig(sites, service)));
  const shipped = readFileSync(DEPLOY_CONF, 'utf8');
  const conf = shipped
    .replace(/^listener 1883$/m, `listener ${port} 127.0.0.1`)
    .replace(/^plugin .*$/m, `plugin ${DEBIAN_PLUGIN}`)
    .replace(/^plugin_opt_config_file .*$/m, `plugin_opt_config_file ${dynsec}`)
    .replace(/^persistence_location .*$/m, `persistence_location ${dir}/`);
  const autosaveSec = Number(/^autosave_interval (\d+)$/m.exec(shipped)?.[1] ?? 1800);
  const confFile = join(dir, 'mosquitto.conf');
  writeFileSync(confFile, `${conf}\nuser root\n`);
  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    const c = spawn('/usr/sbin/mosquitto', ['-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    c.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    c.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise<never>((_, reject) => c.once('exit', (code) => reject(new Error(`mosquitto exited (${code}): ${log}`))));
    exited.catch(() => undefined);
    await Promise.race([listening(port), exited]);
  };
  const stop = async (signal: 'SIGTERM' | 'SIGKILL') => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill(signal);
    await exited;
    child = undefined;
  };
  await start();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    autosaveSec,
    start,
    stop,
    log: () => log,
    remove: async () => {
      await stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function listening(port: number, host = '127.0.0.1'): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = tcpConnect({ port, host }, () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
