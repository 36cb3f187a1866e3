// SLA deadlines, escalation and the complaint callback (CONTRACT §5), swept on a virtual clock
// across a day; run on PGlite (unit suite) and PostgreSQL (service suite).
import { describe, expect, it } from 'vitest';
import type { Backend } from '../db/database.testing';
import { SYSTEM } from './work-orders.service';
import { complaint, DAY, inspection, MIN, workOrdersHarness } from './work-orders.testing';

export function workOrderDeadlinesSuite(backend: Backend): void {
  describe(`work-order deadlines on ${backend}`, () => {
    const h = workOrdersHarness(backend, 'work-order deadlines');

    describe('deadlines (sweepDeadlines on a virtual clock across a day)', () => {
      it('deadlineDue names each instant the sweep has work: nothing 1 ms before it, an escalation at it', async () => {
        const due = h.workOrders.deadlineDue();
        const created = h.clock.now().getTime();
        expect(due.leadMs).toBeLessThanOrEqual(15 * MIN);
        await h.workOrders.create(inspection, 'operator'); // engineering: accept 15 min, resolve 240 min
        const expected = [15 * MIN + 1, 240 * MIN + 1];
        for (const offset of expected) {
          const at = await due.after(new Date(created));
          expect(at?.getTime()).toBe(created + offset);
          expect(await h.workOrders.sweepDeadlines(new Date(at!.getTime() - 1))).toEqual([]);
          expect(await h.workOrders.sweepDeadlines(at!)).toHaveLength(1);
        }
        expect(await due.after(new Date(created + DAY))).toBeNull();
      });

      it('escalates each missed deadline once, one priority step each, never before the deadline', async () => {
        const created = h.clock.now().getTime();
        const late = await h.workOrders.create(inspection, 'operator'); // engineering: accept 15 min, resolve 240 min
        let onTime = await h.workOrders.create({ ...inspection, title: '路灯不亮' }, 'operator');
        onTime = await h.act(onTime, { action: 'dispatch', department: 'engineering' });
        await h.act(onTime, { action: 'accept' });
        const escalations: string[] = [];
        h.changes = [];
        const sweepAt = async (offsetMs: number) => {
          for (const o of await h.workOrders.sweepDeadlines(new Date(created + offsetMs))) escalations.push(`${offsetMs}:${o.title}:${o.priority}`);
        };
        for (let m = 0; m <= 15; m++) await sweepAt(m * MIN); // exactly at acceptBy is not late
        expect(escalations).toEqual([]);
        await sweepAt(15 * MIN + 1);
        expect(escalations).toEqual([`${15 * MIN + 1}:消防通道堆物:high`]);
        for (let m = 16; m <= 240; m++) await sweepAt(m * MIN);
        expect(escalations).toHaveLength(1);
        await sweepAt(240 * MIN + 1);
        expect(escalations.slice(1)).toEqual([`${240 * MIN + 1}:消防通道堆物:urgent`, `${240 * MIN + 1}:路灯不亮:high`]);
        for (let m = 250; m <= 24 * 60; m += 10) await sweepAt(m * MIN);
        expect(escalations).toHaveLength(3);
        expect(h.changes.map((c) => c.priority)).toEqual(['high', 'urgent', 'high']); // each pushed live

        const o = await h.workOrders.get(late.id);
        expect(o).toMatchObject({ escalated: true, priority: 'urgent', acceptEscalatedAt: new Date(created + 15 * MIN + 1).toISOString(), resolveEscalatedAt: new Date(created + 240 * MIN + 1).toISOString() });
        expect(o.escalatedAt).toBe(o.acceptEscalatedAt);
        const escalationEntries = o.timeline.filter((e) => e.action === 'escalate');
        expect(escalationEntries.map((e) => e.by)).toEqual([SYSTEM, SYSTEM]);
        expect(escalationEntries[0]!.note).toContain(`acceptBy ${o.acceptBy}`);
        expect(escalationEntries[0]!.note).toContain('normal → high');
        expect(escalationEntries[1]!.note).toContain(`resolveBy ${o.resolveBy}`);
        expect(escalationEntries[1]!.note).toContain('high → urgent');
        expect(escalationEntries.map((e) => [e.noteKey, e.noteParams])).toEqual([
          ['escalated', { deadline: 'accept', dueAt: o.acceptBy, from: 'normal', to: 'high' }],
          ['escalated', { deadline: 'resolve', dueAt: o.resolveBy, from: 'high', to: 'urgent' }],
        ]);
        expect((await h.workOrders.get(onTime.id)).acceptEscalatedAt).toBeUndefined();
      });

      it('priority is capped at urgent; a resolved order is not escalated for resolving', async () => {
        await h.raise('sensor.threshold', 'boiler-1', { severity: 'critical' });
        const [o] = await h.all();
        const resolved = await h.workOrders.create(inspection, 'operator');
        let r = await h.act(resolved, { action: 'dispatch', department: 'engineering' });
        r = await h.act(r, { action: 'accept' });
        await h.act(r, { action: 'resolve' });
        await h.workOrders.sweepDeadlines(new Date(h.clock.now().getTime() + DAY));
        expect(await h.workOrders.get(o!.id)).toMatchObject({ priority: 'urgent', escalated: true });
        expect((await h.workOrders.get(o!.id)).timeline.filter((e) => e.action === 'escalate')).toHaveLength(2);
        expect(await h.workOrders.get(resolved.id)).toMatchObject({ escalated: false, priority: 'normal' });
      });

      it('a complaint not called back within 3 days of resolving is flagged once', async () => {
        let o = await h.workOrders.create(complaint, 'operator');
        o = await h.act(o, { action: 'dispatch', department: 'service' });
        o = await h.act(o, { action: 'accept' });
        o = await h.act(o, { action: 'resolve' });
        const due = new Date(o.callbackDueAt!).getTime();
        expect(due - h.clock.now().getTime()).toBe(3 * DAY);
        await h.workOrders.sweepDeadlines(new Date(due));
        expect((await h.workOrders.get(o.id)).callbackOverdue).toBe(false);
        h.changes = [];
        await h.workOrders.sweepDeadlines(new Date(due + 1));
        await h.workOrders.sweepDeadlines(new Date(due + DAY));
        o = await h.workOrders.get(o.id);
        expect(o.callbackOverdue).toBe(true);
        expect(o.timeline.filter((e) => e.action === 'callback_overdue')).toEqual([
          {
            at: new Date(due + 1).toISOString(), by: SYSTEM, action: 'callback_overdue', note: `回访逾期：应于 ${o.callbackDueAt} 前完成回访`,
            noteKey: 'callbackOverdue', noteParams: { dueAt: o.callbackDueAt },
          },
        ]);
        expect(h.changes.map((c) => c.callbackOverdue)).toEqual([true]);
        o = await h.act(o, { action: 'verify', satisfied: true, note: '补做回访，满意' });
        expect(o.status).toBe('verified');
      });
    });
  });
}
