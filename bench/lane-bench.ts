// An alarm's lane alone (issue 9.4): EquipmentService applying a sensor's fault, the alert written
// and announced, then its clear; against a throw-away PostgreSQL database or PGlite in memory, with
// the event loop kept busy in synchronous chunks of 0–CHUNK ms between (as a loaded server's is:
// each round trip of the lane waits for the loop to come back). Builds are compared interleaved,
// alarm by alarm, so a shared machine's load falls on each alike. Asserts nothing.
//
//   npx tsc -b apps/server && npx tsx bench/lane-bench.ts        BACKEND=postgres|pglite CHUNK=4 N=200
//   DISTS=apps/server/dist,/elsewhere/apps/server/dist            (another build of the server to compare with)
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AcceptedMessage } from '../apps/server/src/ingest/accepted-message';

const BACKEND = (process.env.BACKEND ?? 'postgres') as 'postgres' | 'pglite';
const CHUNK = Number(process.env.CHUNK ?? 4);
const N = Number(process.env.N ?? 200);
const DISTS = (process.env.DISTS ?? 'apps/server/dist').split(',').map((d) => resolve(d));

const load = createRequire(__filename);

interface Build {
  dist: string;
  handle(m: AcceptedMessage): Promise<void>;
  drop(): Promise<void>;
  seq: number;
  times: number[];
}

async function build(dist: string): Promise<Build> {
  const from = <T>(path: string) => load(`${dist}/${path}.js`) as T;
  const { openTestDatabase } = from<typeof import('../apps/server/src/db/database.testing')>('db/database.testing');
  const { SitesService } = from<typeof import('../apps/server/src/sites/sites.service')>('sites/sites.service');
  const { testSite } = from<typeof import('../apps/server/src/sites/sites.testing')>('sites/sites.testing');
  const { AlertsRepository } = from<typeof import('../apps/server/src/alerts/alerts.repository')>('alerts/alerts.repository');
  const { AlertsService } = from<typeof import('../apps/server/src/alerts/alerts.service')>('alerts/alerts.service');
  const { EquipmentRepository } = from<typeof import('../apps/server/src/equipment/equipment.repository')>('equipment/equipment.repository');
  const { EquipmentService } = from<typeof import('../apps/server/src/equipment/equipment.service')>('equipment/equipment.service');
  const { systemClock } = from<typeof import('../apps/server/src/common/clock')>('common/clock');
  const t = await openTestDatabase(BACKEND);
  const sites = new SitesService([testSite()], t.db);
  const equipment = new EquipmentService(new EquipmentRepository(t.db), new AlertsService(new AlertsRepository(t.db, sites), systemClock), sites);
  return { dist, handle: (m) => equipment.handle(m), drop: () => t.drop(), seq: 0, times: [] };
}

function fault(b: Build, type: 'fault' | 'fault_cleared'): AcceptedMessage {
  b.seq++;
  const at = new Date();
  const payload = { id: `e${b.seq}`, ts: at.toISOString(), type, code: 'E1' };
  return { seq: b.seq, siteId: 'testsite', kind: 'sensor', deviceId: 'boiler-1', stream: 'event', msgId: payload.id, payload, observedAt: at, receivedAt: at, lastWill: false };
}

/** Synchronous chunks of 0–CHUNK ms, one per turn of the loop, until stopped. */
function busyLoop(): () => void {
  let on = CHUNK > 0;
  const chunk = () => {
    if (!on) return;
    const end = performance.now() + Math.random() * CHUNK;
    while (performance.now() < end);
    setImmediate(chunk);
  };
  chunk();
  return () => (on = false);
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

async function main(): Promise<void> {
  const builds: Build[] = [];
  for (const dist of DISTS) builds.push(await build(dist));
  for (const b of builds) await b.handle(fault(b, 'fault_cleared')); // the sensor's first report: its row
  const stop = busyLoop();
  for (let i = 0; i < N; i++) {
    for (const b of i % 2 ? builds : [...builds].reverse()) {
      const t0 = performance.now();
      await b.handle(fault(b, 'fault'));
      b.times.push(performance.now() - t0);
      await b.handle(fault(b, 'fault_cleared'));
    }
  }
  stop();
  console.log(`lane bench: ${BACKEND}, ${N} faults each, event loop busy in chunks of 0–${CHUNK} ms`);
  for (const b of builds) {
    console.log(`  ${b.dist}: fault → alert written and announced p50 ${percentile(b.times, 50).toFixed(2)}  p90 ${percentile(b.times, 90).toFixed(2)}  p99 ${percentile(b.times, 99).toFixed(2)} ms`);
    await b.drop();
  }
}

void main();
