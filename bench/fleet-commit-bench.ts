// The statements a fleet's statuses cost (issue 9.5), alone: IngestRepository.commitBatch and
// DevicesRepository.applyStatuses on batches of statuses from distinct devices of a site with
// FLEET devices, on PGlite in memory. Prints ms of this process's CPU per batch and per device
// (PGlite computes here). A statement whose join with `devices` cannot use its primary key costs
// in proportion to the fleet, not to the batch.
//
//   npx tsx --tsconfig bench/tsconfig.json bench/fleet-commit-bench.ts      FLEET=10000 BATCH=50 BATCHES=40
import { migrate } from '../apps/server/src/db/migrate';
import { PgliteDatabase } from '../apps/server/src/db/pglite-database';
import { DevicesRepository } from '../apps/server/src/devices/devices.repository';
import type { ValidMessage } from '../apps/server/src/ingest/incoming-message';
import { IngestRepository } from '../apps/server/src/ingest/ingest.repository';

const FLEET = Number(process.env.FLEET ?? 10_000);
const BATCH = Number(process.env.BATCH ?? 50);
const BATCHES = Number(process.env.BATCHES ?? 40);
const SITE = 'bench';

async function main(): Promise<void> {
  const db = await PgliteDatabase.open();
  await migrate(db);
  await db.query(`INSERT INTO sites (id, name, timezone, heartbeat_sec, config, updated_at) VALUES ($1, 'Bench', 'UTC', 60, '{}', now())`, [SITE]);
  await db.query(`INSERT INTO devices (site_id, id, kind, name) SELECT $1, 'h-' || g, 'sensor', 'h-' || g FROM generate_series(0, $2::int - 1) g`, [SITE, FLEET]);
  const ingest = new IngestRepository(db);
  const devices = new DevicesRepository(db);
  let next = 0;
  const batch = (): ValidMessage[] => {
    const now = new Date();
    return Array.from({ length: BATCH }, () => {
      const n = next++;
      const id = `st-${n}`;
      const device = `h-${(n * 7919) % FLEET}`;
      return { siteId: SITE, deviceId: device, kind: 'sensor', stream: 'status', msgId: id, payload: { id, ts: now.toISOString(), online: true, fw: 'fleet' }, observedAt: now, receivedAt: now, lastWill: false } as ValidMessage;
    });
  };
  const time = async (work: () => Promise<unknown>) => {
    const c0 = process.cpuUsage();
    await work();
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  for (let w = 0; w < 3; w++) await ingest.commitBatch(batch(), []);
  let commitMs = 0;
  let statusMs = 0;
  for (let b = 0; b < BATCHES; b++) {
    const messages = batch();
    let stored: { seq: number }[] = [];
    commitMs += await time(async () => ({ stored } = (await ingest.commitBatch(messages, [])) as unknown as { stored: { seq: number }[] }));
    const updates = messages.map((m, i) => ({ siteId: m.siteId, deviceId: m.deviceId, seq: stored[i]?.seq ?? 0, online: true, at: m.receivedAt, fw: 'fleet' }));
    statusMs += await time(() => devices.applyStatuses(updates));
  }
  const per = (ms: number) => `${(ms / BATCHES).toFixed(1)} ms per batch, ${((ms / BATCHES / BATCH) * 1000).toFixed(0)} µs per device`;
  console.log(`fleet ${FLEET}, batches of ${BATCH} statuses: ingest commit ${per(commitMs)}; devices handler's applyStatuses ${per(statusMs)}`);
  await db.close();
}

void main();
