// Several real servers (child processes) on a Mosquitto of their own and one PostgreSQL database:
// tests/cluster.svc.test.ts and bench/ingest-bench-cluster.ts. The Mosquitto runs with
// deploy/cluster/mosquitto-local.conf (large max_queued_messages, 1000 in flight per connection).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startServerProcess, type ServerProcess } from './server-process';

const ROOT = resolve(__dirname, '../..');

export interface Mosquitto {
  port: number;
  /** The broker's process (benches read its CPU time). */
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/** Starts `mosquitto` on a free loopback port; resolves once it accepts connections. */
export async function startMosquitto(): Promise<Mosquitto> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'estate-mosquitto-'));
  const conf = readFileSync(join(ROOT, 'deploy/cluster/mosquitto-local.conf'), 'utf8');
  writeFileSync(join(dir, 'mosquitto.conf'), `${conf}\nlistener ${port} 127.0.0.1\n`);
  const child: ChildProcess = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((r) => {
      const s = createConnection(port, '127.0.0.1', () => (s.end(), r(true)));
      s.once('error', () => r(false));
    });
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`mosquitto did not start on ${port}: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    pid: child.pid as number,
    url: `mqtt://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ClusterServer extends ServerProcess {
  node: string;
  httpPort: number;
  url: string;
}

/** Starts `count` servers at once with the same MQTT_URL and DATABASE_URL (and `env`). */
export async function startCluster(count: number, env: Record<string, string>): Promise<ClusterServer[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const httpPort = await freePort();
      const node = `s${i + 1}`;
      const server = await startServerProcess({ ...env, HTTP_PORT: String(httpPort), CLUSTER_NODE_ID: node, SIMULATOR: 'off' }, 180_000);
      return { ...server, node, httpPort, url: `http://127.0.0.1:${httpPort}` };
    }),
  );
}

/** GET /api/health's cluster block. */
export async function clusterHealth(server: ClusterServer): Promise<{ node: string; servers: number; shards: number[]; handlers: string[]; timers: string[]; ingested: number; commits: number; readBack: { reads: number; rows: number }; claiming: boolean }> {
  const res = await fetch(`${server.url}/api/health`);
  const body = (await res.json()) as { cluster?: Awaited<ReturnType<typeof clusterHealth>> };
  if (!body.cluster) throw new Error(`${server.node} is not in a cluster`);
  return body.cluster;
}
