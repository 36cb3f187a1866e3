// A small, hand-checkable set of orders and alerts for the report tests (site "testsite",
// Asia/Shanghai). Every expected figure in reports.suite.ts is worked out from this table.
import type { Queryable } from '../db/database';
import { WorkOrderStore } from '../work-orders/work-orders.repository';

const MIN = 60_000;
/** 2026-11-02 09:00 in Shanghai. */
export const T = Date.parse('2026-11-02T09:00:00+08:00');
/** The clock of the work-order report: C4 is still within both deadlines. */
export const REPORT_NOW = '2026-11-07T23:50:00+08:00';
export const SITE = 'testsite';

export interface FixtureOrder {
  n: string;
  site?: string;
  department: 'security' | 'cleaning';
  source: 'alert' | 'complaint' | 'inspection';
  status: string;
  created: number; // epoch ms
  /** Minutes after created; undefined: never. */
  accepted?: number;
  resolved?: number;
  verified?: number;
  closed?: number;
  callback?: number;
  satisfied?: boolean;
  acceptEscalated?: number;
  resolveEscalated?: number;
  escalated?: boolean;
  /** Verified by its device (the system's verify entry in the timeline), not by a person. */
  byDevice?: boolean;
}

const SLA = { security: { accept: 10, resolve: 60 }, cleaning: { accept: 15, resolve: 120 } };
const DAY = 24 * 60;

// Times in minutes after creation.    accept  resolve  SLA (security 10/60, cleaning 15/120)
export const ORDERS: FixtureOrder[] = [
  // The first instant of the range (2026-11-01 00:00 local) is inside it.
  { n: 'S1', department: 'security', source: 'alert', status: 'closed', created: Date.parse('2026-11-01T00:00:00+08:00'), accepted: 4, resolved: 30, closed: 40 }, // 4, 30 met
  { n: 'S2', department: 'security', source: 'alert', status: 'resolved', created: T, accepted: 12, resolved: 50, escalated: true, acceptEscalated: 10 }, // 12, 50 missed (accept)
  { n: 'S3', department: 'security', source: 'complaint', status: 'verified', created: T, accepted: 6, resolved: 90, verified: DAY, callback: DAY, satisfied: true, escalated: true, resolveEscalated: 60 }, // 6, 90 missed (resolve)
  // Resolved at 45, then the callback was unsatisfied: reopening clears resolved_at (as the work-orders module does), keeps the callback.
  { n: 'S4', department: 'security', source: 'complaint', status: 'reopened', created: T, accepted: 8, callback: DAY, satisfied: false }, // 8, — missed (not resolved by 60)
  { n: 'S5', department: 'security', source: 'inspection', status: 'dispatched', created: T, escalated: true, acceptEscalated: 10 }, // —, — missed (never accepted)
  { n: 'C1', department: 'cleaning', source: 'alert', status: 'closed', created: T, accepted: 10, resolved: 60, closed: 70 }, // 10, 60 met
  { n: 'C2', department: 'cleaning', source: 'alert', status: 'verified', created: T, verified: 12, byDevice: true }, // —, 12 auto-closed (a device verified it, nobody accepted it)
  { n: 'C3', department: 'cleaning', source: 'complaint', status: 'resolved', created: T, accepted: 5, resolved: 100 }, // 5, 100 met; no callback yet
  { n: 'C4', department: 'cleaning', source: 'complaint', status: 'new', created: Date.parse('2026-11-07T23:45:00+08:00') }, // pending at REPORT_NOW
  { n: 'C5', department: 'cleaning', source: 'inspection', status: 'closed', created: T, accepted: 20, resolved: 110, closed: 130, escalated: true, acceptEscalated: 15 }, // 20, 110 missed (accept)
  // Outside the report: just before it, at its exclusive end, another site, and an old complaint.
  { n: 'X1', department: 'security', source: 'alert', status: 'new', created: Date.parse('2026-10-31T23:59:59+08:00') },
  { n: 'X2', department: 'security', source: 'alert', status: 'new', created: Date.parse('2026-11-08T00:00:00+08:00') },
  { n: 'Y1', site: 'othersite', department: 'security', source: 'alert', status: 'new', created: T, escalated: true, acceptEscalated: 10 },
  // Resolved 10-28 11:00, callback due 10-31 11:00 and never made: overdue in the duty log of 11-02.
  { n: 'O1', department: 'security', source: 'complaint', status: 'resolved', created: Date.parse('2026-10-28T10:00:00+08:00'), accepted: 5, resolved: 60 },
];

export async function insertOrders(db: Queryable, orders: FixtureOrder[] = ORDERS): Promise<void> {
  for (const o of orders) {
    const at = (min: number | undefined) => (min === undefined ? null : new Date(o.created + min * MIN));
    const sla = SLA[o.department];
    const resolvedAt = at(o.resolved);
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO work_orders (number, site_id, source, status, department, priority, title, description, reporter,
         escalated, accept_escalated_at, resolve_escalated_at, accept_by, resolve_by, created_at, created_by,
         accepted_at, resolved_at, verified_at, closed_at, updated_at, callback_due_at, callback_at, callback_satisfied)
       VALUES ($1, $2, $3, $4, $5, 'normal', $6, 'fixture', $7, $8, $9, $10, $11, $12, $13, 'test', $14, $15, $16, $17, $13, $18, $19, $20)
       RETURNING id`,
      [
        `WO-${o.n}`,
        o.site ?? SITE,
        o.source,
        o.status,
        o.department,
        `工单 ${o.n}`,
        o.source === 'complaint' ? JSON.stringify({ name: '王女士', room: `3-${o.n}`, phone: '13800000000' }) : null,
        o.escalated ?? false,
        at(o.acceptEscalated),
        at(o.resolveEscalated),
        at(sla.accept),
        at(sla.resolve),
        new Date(o.created),
        at(o.accepted),
        resolvedAt,
        at(o.verified),
        at(o.closed),
        o.source === 'complaint' && resolvedAt ? new Date(resolvedAt.getTime() + 3 * DAY * MIN) : null,
        at(o.callback),
        o.satisfied ?? null,
      ],
    );
    // Through the work-order module's own write: the system's verify entry also marks the order verified by a device.
    if (o.verified !== undefined) {
      await new WorkOrderStore(db).addEvent({ work_order_id: row!.id, at: at(o.verified)!, by: o.byDevice ? 'system' : 'supervisor', action: 'verify',
        note: null, from_status: 'resolved', to_status: 'verified' });
    }
  }
}

// Alerts of 2026-11-02 (local), for the duty log.
export async function insertAlerts(db: Queryable): Promise<void> {
  const rows: [string, string, string, string, string, string | null, string | null][] = [
    // site, type, subject, severity, raised, acknowledged, cleared
    [SITE, 'device.offline', 'gate-1', 'major', '2026-11-02T10:00:00+08:00', '2026-11-02T10:05:00+08:00', '2026-11-02T10:30:00+08:00'], // acked, cleared
    [SITE, 'device.offline', 'soap-1', 'major', '2026-11-02T11:00:00+08:00', null, null], // open, unacked
    [SITE, 'sensor.threshold', 'boiler-1', 'critical', '2026-11-02T12:00:00+08:00', '2026-11-02T12:01:00+08:00', '2026-11-03T09:00:00+08:00'], // acked, open at day end
    [SITE, 'dispenser.low', 'soap-2', 'minor', '2026-11-02T13:00:00+08:00', null, '2026-11-02T13:30:00+08:00'], // cleared, never acked
    [SITE, 'sensor.threshold', 'boiler-2', 'major', '2026-11-01T23:00:00+08:00', null, null], // the day before
    ['othersite', 'device.offline', 'gate-9', 'major', '2026-11-02T10:00:00+08:00', null, null], // another site
  ];
  for (const [site, type, subject, severity, raised, acked, cleared] of rows) {
    await db.query(
      `INSERT INTO alerts (site_id, type, subject, severity, status, message, raised_at, last_seen_at, acknowledged_at, acknowledged_by, cleared_at)
       VALUES ($1, $2, $3, $4, $5, 'fixture', $6, $6, $7, $8, $9)`,
      [site, type, subject, severity, cleared ? 'cleared' : acked ? 'acknowledged' : 'active', raised, acked, acked ? 'operator' : null, cleared],
    );
  }
}
