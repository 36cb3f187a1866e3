// Handler throughput (issue 9.1): applied messages per second of each ingest handler's
// applyBatch, called directly on its service and repository (no broker, no ingest), in batches
// of 500 as the handler pipeline hands them over. Prints figures, asserts nothing.
//
//   npx tsx bench/handlers-bench.ts                       (PGlite in memory, and PostgreSQL on
//                                                          127.0.0.1:5432 in a throw-away database)
//   MESSAGES=5000 BATCH=500 HANDLERS=parking,devices BACKENDS=pglite npx tsx bench/handlers-bench.ts
//
// The server's Nest classes use parameter decorators, which tsx compiles only with
// experimentalDecorators (bench/tsconfig.json): without it this file re-runs itself under it.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

if (!process.env.TSX_TSCONFIG_PATH) {
  const result = spawnSync(process.execPath, [...process.execArgv, __filename], {
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: join(__dirname, 'tsconfig.json') },
  });
  process.exit(result.status ?? 1);
}

const MESSAGES = Number(process.env.MESSAGES ?? 5000);
const BATCH = Number(process.env.BATCH ?? 500);
const HANDLERS = (process.env.HANDLERS ?? 'parking,patrol,consumables,devices').split(',');
const BACKENDS = (process.env.BACKENDS ?? 'pglite,postgres').split(',') as ('pglite' | 'postgres')[];
const GATES = 20;
const DISPENSERS = 20;
const CHECKPOINTS = 20;
/** Every device once (kinds cycle by 3, ids by 20), so the measured messages find their rows. */
const WARM_UP = 60;

/** A site with GATES gates over 4 lots, DISPENSERS dispensers and a route over CHECKPOINTS checkpoints; `departments`: the contract example's. */
function siteYaml(departments: string): string {
  const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  return `
site: { id: bench, name: 压测小区, timezone: Asia/Shanghai, heartbeatSec: 30 }
${departments}guards:
  - { id: G01, name: 张伟, card: 04A1B2C3D4E5F6 }
checkpoints:
${ids('cp', CHECKPOINTS).map((id, i) => `  - { id: ${id}, name: 岗${i}, x: ${i}, y: ${i}, secret: secret-${id} }`).join('\n')}
routes:
  - { id: r1, name: 日间巡查, schedule: ["09:00"], checkpoints: [${ids('cp', CHECKPOINTS).map((id, i) => `{ checkpoint: ${id}, offsetMin: ${i * 5} }`).join(', ')}] }
lots:
${ids('lot', 4).map((id) => `  - { id: ${id}, name: 车场${id}, capacity: 400 }`).join('\n')}
gates:
${ids('gate', GATES).map((id, i) => `  - { id: ${id}, name: 道闸${i}, lot: lot-${i % 4}, secret: secret-${id} }`).join('\n')}
dispensers:
${ids('soap', DISPENSERS).map((id, i) => `  - { id: ${id}, name: 洗手液${i}, consumable: soap, secret: secret-${id} }`).join('\n')}
`;
}

async function main(): Promise<void> {
  await import('reflect-metadata');
  const { parseSiteConfig } = await import('@estate-watch/contracts');
  const { EXAMPLE_DEPARTMENTS_YAML } = await import('../apps/server/src/sites/sites.testing.js');
  const { AlertsRepository } = await import('../apps/server/src/alerts/alerts.repository.js');
  const { AlertsService } = await import('../apps/server/src/alerts/alerts.service.js');
  const { ManualClock } = await import('../apps/server/src/common/clock.js');
  const { openTestDatabase } = await import('../apps/server/src/db/database.testing.js');
  const { SitesService } = await import('../apps/server/src/sites/sites.service.js');
  const { ParkingRepository } = await import('../apps/server/src/parking/parking.repository.js');
  const { ParkingService } = await import('../apps/server/src/parking/parking.service.js');
  const { PatrolRepository } = await import('../apps/server/src/patrol/patrol.repository.js');
  const { PatrolService } = await import('../apps/server/src/patrol/patrol.service.js');
  const { ConsumablesRepository } = await import('../apps/server/src/consumables/consumables.repository.js');
  const { ConsumablesService } = await import('../apps/server/src/consumables/consumables.service.js');
  const { DevicesRepository } = await import('../apps/server/src/devices/devices.repository.js');
  const { DevicesService } = await import('../apps/server/src/devices/devices.service.js');
  type AcceptedMessage = import('../apps/server/src/ingest/accepted-message').AcceptedMessage;
  type MessageHandler = import('../apps/server/src/ingest/accepted-message').MessageHandler;

  const site = parseSiteConfig(siteYaml(EXAMPLE_DEPARTMENTS_YAML), 'bench.yaml');
  const start = new Date('2026-11-27T01:00:00Z'); // 09:00 in Asia/Shanghai: the round's first window
  let seq = 0;
  const message = (kind: AcceptedMessage['kind'], deviceId: string, stream: AcceptedMessage['stream'], at: Date, payload: Record<string, unknown>): AcceptedMessage => {
    seq++;
    const id = `b${seq}`;
    return { seq, siteId: 'bench', kind, deviceId, stream, msgId: id, payload: { id, ts: at.toISOString(), ...payload }, observedAt: at, receivedAt: new Date(at.getTime() + 200), lastWill: false };
  };
  /** Message i of each handler's traffic, i ms after the start (device time). */
  const traffic: Record<string, (i: number) => AcceptedMessage> = {
    // Four passes to one barrier report; in twice as often as out, so lots fill and clear slowly.
    parking: (i) => {
      const at = new Date(start.getTime() + i);
      const gate = `gate-${i % GATES}`;
      if (i % 5 === 4) return message('gate', gate, 'telemetry', at, { barrier: i % 10 === 4 ? 'open' : 'closed' });
      return message('gate', gate, 'event', at, { type: 'pass', direction: i % 3 === 2 ? 'out' : 'in', credential: 'card', plate: `沪A${i}` });
    },
    // The guard taps every checkpoint over and over: one visit each, the rest duplicates.
    patrol: (i) => message('checkpoint', `cp-${i % CHECKPOINTS}`, 'event', new Date(start.getTime() + i), { type: 'tap', card: '04A1B2C3D4E5F6' }),
    // Levels falling by 0.01 % a report: they cross lowPct once in a run of 5000 × 20.
    consumables: (i) => message('dispenser', `soap-${i % DISPENSERS}`, 'telemetry', new Date(start.getTime() + i * 1000), { level: Math.max(0, 100 - Math.floor(i / DISPENSERS) * 0.05), battery: 90 }),
    devices: (i) => {
      const at = new Date(start.getTime() + i);
      const kinds = [['gate', `gate-${i % GATES}`], ['dispenser', `soap-${i % DISPENSERS}`], ['checkpoint', `cp-${i % CHECKPOINTS}`]] as const;
      const [kind, id] = kinds[i % 3]!;
      return message(kind, id, 'status', at, { online: true, fw: '1.0.3', battery: 80, rssi: -60 });
    },
  };

  console.log(`handlers bench: ${MESSAGES} messages per handler in batches of ${BATCH}; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  for (const backend of BACKENDS) {
    for (const name of HANDLERS) {
      const t = await openTestDatabase(backend);
      try {
        const clock = new ManualClock(new Date(start.getTime() + 60_000).toISOString());
        const sites = new SitesService([site], t.db);
        await sites.syncToDatabase();
        const alerts = new AlertsService(new AlertsRepository(t.db, sites), clock);
        const handler: MessageHandler =
          name === 'parking' ? new ParkingService(new ParkingRepository(t.db), alerts, sites, clock)
          : name === 'patrol' ? new PatrolService(new PatrolRepository(t.db, sites), alerts, sites, clock)
          : name === 'consumables' ? new ConsumablesService(new ConsumablesRepository(t.db), alerts, sites)
          : new DevicesService(new DevicesRepository(t.db), alerts, sites, clock);
        // Warm-up (before the measured messages are made: each device row keeps the last seq it
        // applied, and a later seq would turn them into replays): plans the rounds, creates the rows.
        await handler.applyBatch(Array.from({ length: WARM_UP }, (_, i) => traffic[name]!(i)));
        const messages = Array.from({ length: MESSAGES }, (_, i) => traffic[name]!(WARM_UP + i));
        const began = performance.now();
        for (let from = 0; from < messages.length; from += BATCH) await handler.applyBatch(messages.slice(from, from + BATCH));
        const seconds = (performance.now() - began) / 1000;
        console.log(`${backend.padEnd(8)} ${name.padEnd(12)} ${String(Math.round(MESSAGES / seconds)).padStart(7)} msg/s  (${seconds.toFixed(2)} s)`);
        (handler as { onModuleDestroy?: () => void }).onModuleDestroy?.();
      } finally {
        await t.drop();
      }
    }
  }
  console.log(`load average after: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
