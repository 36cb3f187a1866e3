// Issue 10 point 6: `npm start` runs the server and the simulator as two processes of one command
// (scripts/start.mjs). The simulator starts once the server is ready and connects over MQTT like real
// devices; one SIGINT stops both; if one dies the other is stopped and the exit code is non-zero.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { siteDevices, type DeviceDto, type LoginResponse } from '@estate-watch/contracts';
import { DEMO_SITE_FILE, loadSiteFile } from '@estate-watch/firmware-sim';
import { testSiteYaml } from '../apps/server/src/sites/sites.testing';
import { freePort } from './support/server-process';
import { eventually } from './support/server';

const ROOT = resolve(__dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'estate-npm-start-'));

interface Launched {
  child: ChildProcess;
  httpUrl: string;
  output(): string;
  /** Resolves with the match once the output (both children's and the launcher's) shows `pattern`. */
  printed(pattern: RegExp): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const launched: Launched[] = [];

/** `node scripts/start.mjs` (what `npm start` runs after the build) in an environment of only these variables. */
async function launch(name: string, env: Record<string, string> = {}): Promise<Launched> {
  const httpPort = await freePort();
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HTTP_PORT: String(httpPort), MQTT_PORT: String(await freePort()), DATA_DIR: join(dir, name), LOG_LEVEL: 'log', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    for (const check of waiters) check();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const printed = (pattern: RegExp) =>
    new Promise<RegExpMatchArray>((done, fail) => {
      const check = () => {
        const match = out.match(pattern);
        if (!match) return;
        waiters.delete(check);
        done(match);
      };
      waiters.add(check);
      check();
      void exited.then(() => {
        if (waiters.delete(check)) fail(new Error(`npm start exited before printing ${pattern}:\n${out}`));
      });
    });
  const run: Launched = { child, httpUrl: `http://127.0.0.1:${httpPort}`, output: () => out, printed, exited };
  launched.push(run);
  return run;
}

const pidOf = async (run: Launched, name: 'server' | 'simulator') => Number((await run.printed(new RegExp(`npm start: ${name} pid (\\d+)`)))[1]);

/** Whether the process runs (a zombie left for init to reap has stopped). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** The demo's devices as the server lists them once every one is online (their statuses came through the ingest path). */
async function allOnline(run: Launched): Promise<DeviceDto[]> {
  const login = await fetch(`${run.httpUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'operator', password: 'demo' }) });
  const { token } = (await login.json()) as LoginResponse;
  const devices = async () => (await (await fetch(`${run.httpUrl}/api/devices`, { headers: { authorization: `Bearer ${token}` } })).json()) as DeviceDto[];
  return eventually(devices, (list) => list.length > 0 && list.every((d) => d.online), 60_000);
}

describe('npm start: the server and the simulator, one command', () => {
  beforeAll(() => {
    execFileSync('npx', ['tsc', '-b', 'apps/server', 'firmware-sim'], { cwd: ROOT, stdio: 'inherit' });
  }, 300_000);

  afterEach(async () => {
    // A failed test must not leave a launcher, or its two children, running.
    for (const run of launched.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGTERM');
        await run.exited;
      }
      for (const [, pid] of run.output().matchAll(/npm start: \w+ pid (\d+)/g)) if (alive(Number(pid))) process.kill(Number(pid), 'SIGKILL');
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the demo: the simulator starts once the server is ready, its devices come online over MQTT, one SIGINT stops both, exit code 0', async () => {
    const run = await launch('demo');
    const server = await pidOf(run, 'server');
    await run.printed(/Estate Watch ready in/);
    const simulator = await pidOf(run, 'simulator');
    // The simulator's part of the demo, now in its own process: the lots from the server's counts, the opening.
    const [counts] = await run.printed(/estate: the lots start from the server's counts \(.*\)/);
    expect(counts).toContain('lakeside/lot-garage 0');
    expect(counts).toContain('lakeside/lot-ground 0');
    await run.printed(/demo opening: within 2 minutes/);
    expect((await allOnline(run)).length).toBe(siteDevices(loadSiteFile(DEMO_SITE_FILE)).length);

    run.child.kill('SIGINT');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect({ server: alive(server), simulator: alive(simulator) }).toEqual({ server: false, simulator: false });
  }, 180_000);

  it('the simulator dies: the server is stopped too and the exit code is non-zero', async () => {
    const run = await launch('sim-dies');
    const server = await pidOf(run, 'server');
    const simulator = await pidOf(run, 'simulator');
    await run.printed(/devices online at mqtt:/);

    process.kill(simulator, 'SIGKILL');
    const { code } = await run.exited;
    expect(code).not.toBe(0);
    expect(run.output()).toContain('npm start: the simulator stopped (SIGKILL); stopping the rest');
    expect(alive(server)).toBe(false);
  }, 180_000);

  it('the server dies: the simulator is stopped too and the exit code is non-zero', async () => {
    const run = await launch('server-dies');
    const server = await pidOf(run, 'server');
    const simulator = await pidOf(run, 'simulator');
    await run.printed(/devices online at mqtt:/);

    process.kill(server, 'SIGKILL');
    const { code } = await run.exited;
    expect(code).not.toBe(0);
    expect(run.output()).toContain('npm start: the server stopped (SIGKILL); stopping the rest');
    expect(alive(simulator)).toBe(false);
  }, 180_000);

  it('the launcher killed (kill -9): both notice their IPC channel close and stop', async () => {
    const run = await launch('launcher-dies');
    const server = await pidOf(run, 'server');
    const simulator = await pidOf(run, 'simulator');
    await run.printed(/devices online at mqtt:/);

    run.child.kill('SIGKILL');
    await run.exited;
    // Not our children: nothing to await but their absence.
    await eventually(async () => ({ server: alive(server), simulator: alive(simulator) }), (a) => !a.server && !a.simulator, 20_000);
  }, 180_000);

  it('outside the demo (SITE_CONFIG set, SIMULATOR unset) only the server runs, and SIGINT stops it', async () => {
    const site = join(dir, 'testsite.yaml');
    writeFileSync(site, testSiteYaml());
    const run = await launch('no-sim', { SITE_CONFIG: site, ADMIN_PASSWORD: 'Lakeside-Night-Shift' });
    const server = await pidOf(run, 'server');
    await run.printed(/npm start: no simulator \(SITE_CONFIG is set and SIMULATOR is not on\)/);

    run.child.kill('SIGINT');
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(alive(server)).toBe(false);
    expect(run.output()).not.toContain('simulator pid');
  }, 180_000);

  it('a server that cannot start (bad SIMULATOR value) ends npm start with its message and a non-zero code', async () => {
    const run = await launch('bad-env', { SIMULATOR: 'yes' });
    const { code } = await run.exited;
    expect(code).not.toBe(0);
    expect(run.output()).toContain('Estate Watch did not start');
    expect(run.output()).not.toContain('simulator pid');
  }, 60_000);
});
