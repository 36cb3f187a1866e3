// Probe (not committed): the equipment lane's database work per alarm, fault then clear, no background.
import { performance } from 'node:perf_hooks';
import { AlertsRepository } from '../apps/server/dist/alerts/alerts.repository.js';
import { AlertsService } from '../apps/server/dist/alerts/alerts.service.js';
import { systemClock } from '../apps/server/dist/common/clock.js';
import { openTestDatabase } from '../apps/server/dist/db/database.testing.js';
import type { Database, Queryable } from '../apps/server/src/db/database';
import { SitesService } from '../apps/server/dist/sites/sites.service.js';
import { testSite } from '../apps/server/dist/sites/sites.testing.js';
import { EquipmentRepository } from '../apps/server/dist/equipment/equipment.repository.js';
import { EquipmentService } from '../apps/server/dist/equipment/equipment.service.js';

const N = Number(process.env.N ?? 300);
async function main() {
  const t = await openTestDatabase((process.env.BACKEND as 'postgres') ?? 'postgres');
  let statements = 0, transactions = 0;
  const counted: Database = Object.create(t.db);
  counted.query = (sql: string, p?: unknown[]) => (statements++, t.db.query(sql, p)) as never;
  counted.transaction = (work: (tx: Queryable) => Promise<unknown>) => (transactions++, statements += 2, t.db.transaction((tx) => work({ query: (s: string, p?: unknown[]) => (statements++, tx.query(s, p)) as never }))) as never;
  const sites = new SitesService([testSite()], t.db);
  const alerts = new AlertsService(new AlertsRepository(counted), systemClock);
  const eq = new EquipmentService(new EquipmentRepository(counted), alerts, sites);
  let seq = 0;
  const msg = (type: string) => { seq++; const at = new Date(); return { seq, siteId: 'testsite', kind: 'sensor' as const, deviceId: 'boiler-1', stream: 'event' as const, msgId: `e${seq}`, payload: { id: `e${seq}`, ts: at.toISOString(), type, code: 'E1' }, observedAt: at, receivedAt: at, lastWill: false }; };
  for (let i = 0; i < 20; i++) { await eq.handle(msg('fault')); await eq.handle(msg('fault_cleared')); }
  const ms: number[] = [];
  statements = 0; transactions = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await eq.handle(msg('fault'));
    ms.push(performance.now() - t0);
    await eq.handle(msg('fault_cleared'));
  }
  const cpu = process.cpuUsage(cpu0);
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(2);
  console.log(`${process.cwd()}: fault applied+alerted p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} ms; per fault+clear: ${(statements / N).toFixed(1)} statements, ${(transactions / N).toFixed(1)} transactions; node CPU ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms`);
  await t.drop();
}
void main();
