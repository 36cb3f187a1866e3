// A throw-away PostgreSQL cluster of a test's own (initdb + pg_ctl in a temp dir, trust auth, its
// own port), for tests that stop the database under load. Never the machine's shared server.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './server-process';

const BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PgCluster {
  port: number;
  /** postgres://postgres@127.0.0.1:{port}/postgres */
  url: string;
  /** Fast shutdown (`pg_ctl stop -m fast`): open connections are cut. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its directory. */
  remove(): Promise<void>;
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user. */
function run(args: string[]): string {
  const [cmd, ...rest] = args as [string, ...string[]];
  const asRoot = process.getuid?.() === 0;
  const argv = asRoot ? ['-u', 'postgres', '--', cmd, ...rest] : rest;
  return execFileSync(asRoot ? 'runuser' : cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export async function startPgCluster(): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'estate-pgcluster-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  run([`${BIN}/initdb`, '-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  const start = async () => {
    run([`${BIN}/pg_ctl`, '-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', 'start']);
  };
  const stop = async () => {
    run([`${BIN}/pg_ctl`, '-D', data, '-m', 'fast', '-w', 'stop']);
  };
  await start();
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    remove: async () => {
      await stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
