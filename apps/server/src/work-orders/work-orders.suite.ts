// Work orders raised by staff (complaints, inspections) and their lifecycle (CONTRACT §5, §6),
// run on PGlite (unit suite) and PostgreSQL (service suite).
import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import { parseSiteConfig } from '@estate-watch/contracts';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../db/database.testing';
import { SitesService } from '../sites/sites.service';
import { testSiteYaml } from '../sites/sites.testing';
import { WorkOrdersRepository } from './work-orders.repository';
import { WorkOrdersService } from './work-orders.service';
import { complaint, DAY, inspection, MIN, steps, workOrdersHarness } from './work-orders.testing';

export function workOrdersSuite(backend: Backend): void {
  describe(`work orders raised by staff on ${backend}`, () => {
    const h = workOrdersHarness(backend, 'work orders raised by staff');

    describe('orders raised by staff', () => {
      it('a complaint starts new at the service centre, numbered by the site-local date, with its SLA', async () => {
        const o = await h.workOrders.create(complaint, 'operator');
        expect(o).toMatchObject({
          source: 'complaint',
          status: 'new',
          department: 'service',
          priority: 'normal',
          siteId: 'testsite',
          reporter: complaint.reporter,
          channel: 'phone',
          createdBy: 'operator',
          escalated: false,
          callbackOverdue: false,
          alertIds: [],
          acceptBy: '2026-11-27T01:40:00.000Z', // service: accept 10 min
          resolveBy: '2026-11-28T01:30:00.000Z', // resolve 1440 min
          allowedActions: ['dispatch', 'comment'],
        });
        expect(o.number).toMatch(/^WO-20261127-\d{4,}$/);
        expect(steps(o)).toEqual(['operator:create:>new']);
        expect(h.changes.map((c) => c.id)).toEqual([o.id]);
      });

      it('numbers follow the site-local day and never repeat', async () => {
        h.clock.set('2026-11-27T16:00:00Z'); // midnight in Shanghai
        const a = await h.workOrders.create(inspection, 'operator');
        const b = await h.workOrders.create(inspection, 'operator');
        expect(a.number).toMatch(/^WO-20261128-/);
        expect(a.number).not.toBe(b.number);
      });

      it('an inspection goes to engineering unless a department and priority are given', async () => {
        expect(await h.workOrders.create(inspection, 'operator')).toMatchObject({ department: 'engineering', priority: 'normal', acceptBy: '2026-11-27T01:45:00.000Z' });
        expect(await h.workOrders.create({ ...inspection, department: 'security', priority: 'high' }, 'operator')).toMatchObject({ department: 'security', priority: 'high' });
      });

      it('an unknown site is refused with 400; an unknown id with 404', async () => {
        await expect(h.workOrders.create({ ...inspection, siteId: 'elsewhere' }, 'operator')).rejects.toThrow(BadRequestException);
        await expect(h.workOrders.get('00000000-0000-4000-8000-000000000000')).rejects.toThrow(NotFoundException);
      });

      it('lists newest first, filtered by status (open = not verified or closed), department, source and escalation', async () => {
        const c = await h.workOrders.create(complaint, 'operator');
        h.clock.advance(1000);
        const i = await h.workOrders.create(inspection, 'operator');
        h.clock.advance(1000);
        await h.raise('gate.stuck_open', 'gate-1');
        const g = (await h.all())[0]!;
        await h.act(i, { action: 'dispatch', department: 'engineering' });
        await h.act(i, { action: 'accept' });
        await h.act(i, { action: 'resolve' });
        await h.act(i, { action: 'close' });
        const numbers = async (q: object) => (await h.workOrders.list({ limit: 100, ...q })).map((o) => o.id);
        expect(await numbers({})).toEqual([g.id, i.id, c.id]);
        expect(await numbers({ status: 'open' })).toEqual([g.id, c.id]);
        expect(await numbers({ status: 'closed' })).toEqual([i.id]);
        expect(await numbers({ department: 'parking' })).toEqual([g.id]);
        expect(await numbers({ source: 'complaint' })).toEqual([c.id]);
        expect(await numbers({ source: 'alert' })).toEqual([g.id]);
        expect(await numbers({ escalated: true })).toEqual([]);
        await h.workOrders.sweepDeadlines(new Date(h.clock.now().getTime() + 20 * MIN));
        expect(await numbers({ escalated: true })).toEqual([g.id, c.id]);
        expect(await numbers({ escalated: false })).toEqual([i.id]);
      });
    });

    describe('lifecycle (CONTRACT §5)', () => {
      it('a complaint goes new → dispatched → accepted → in_progress → resolved → verified (callback) → closed, each step on the timeline', async () => {
        let o = await h.workOrders.create(complaint, 'operator');
        h.clock.advance(MIN);
        o = await h.act(o, { action: 'dispatch', department: 'engineering', assignee: '李师傅', note: '维修组' });
        expect(o).toMatchObject({ status: 'dispatched', department: 'engineering', assignee: '李师傅', acceptBy: '2026-11-27T01:45:00.000Z' });
        h.clock.advance(MIN);
        o = await h.act(o, { action: 'accept' });
        expect(o.acceptedAt).toBe('2026-11-27T01:32:00.000Z');
        o = await h.act(o, { action: 'start' });
        o = await h.act(o, { action: 'comment', note: '需要等物料' }, 'supervisor');
        h.clock.advance(60 * MIN);
        o = await h.act(o, { action: 'resolve', note: '已更换水管' });
        expect(o).toMatchObject({ status: 'resolved', resolvedAt: '2026-11-27T02:32:00.000Z', callbackDueAt: '2026-11-30T02:32:00.000Z', allowedActions: ['verify', 'reopen', 'comment'] });
        h.clock.advance(DAY);
        o = await h.act(o, { action: 'verify', satisfied: true, note: '住户满意' });
        expect(o).toMatchObject({ status: 'verified', callbackSatisfied: true, callbackAt: '2026-11-28T02:32:00.000Z' });
        // A person's verification (the callback), not a device's: the report counts it apart (migration 020).
        expect(await h.db.query('SELECT verified_by_device FROM work_orders WHERE id = $1', [o.id])).toEqual([{ verified_by_device: false }]);
        o = await h.act(o, { action: 'close' });
        expect(o.status).toBe('closed');
        expect(steps(o)).toEqual([
          'operator:create:>new',
          'operator:dispatch:new>dispatched',
          'operator:accept:dispatched>accepted',
          'operator:start:accepted>in_progress',
          'supervisor:comment:in_progress>in_progress',
          'operator:resolve:in_progress>resolved',
          'operator:verify:resolved>verified',
          'operator:close:verified>closed',
        ]);
        expect(o.timeline.map((e) => e.note)).toEqual([undefined, '维修组', undefined, undefined, '需要等物料', '已更换水管', '住户满意', undefined]);
        expect(o.timeline[1]).toMatchObject({ action: 'dispatch', department: 'engineering', assignee: '李师傅' });
        expect(o.timeline.filter((e) => e.department !== undefined)).toHaveLength(1);
        expect(o.timeline.map((e) => e.at)).toEqual([...o.timeline.map((e) => e.at)].sort());
        expect((await h.workOrders.get(o.id)).timeline).toEqual(o.timeline);
      });

      it('an action the state machine refuses is a 409 with the current status and the allowed actions', async () => {
        let o = await h.workOrders.create(inspection, 'operator');
        o = await h.act(o, { action: 'dispatch', department: 'engineering' });
        const error = await h.act(o, { action: 'start' }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConflictException);
        expect((error as ConflictException).getResponse()).toEqual({ statusCode: 409, message: 'cannot start a dispatched order', status: 'dispatched', allowed: ['dispatch', 'accept', 'comment'] });
        expect((await h.workOrders.get(o.id)).timeline).toHaveLength(2); // nothing written
      });

      it('an action checked against a status that changed meanwhile is a 409; of two at once, one applies', async () => {
        let o = await h.workOrders.create(inspection, 'operator');
        o = await h.act(o, { action: 'dispatch', department: 'engineering' });
        const results = await Promise.allSettled([h.act(o, { action: 'accept' }, 'a'), h.act(o, { action: 'accept' }, 'b')]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(refused.reason).toBeInstanceOf(ConflictException);
        expect((refused.reason as ConflictException).getResponse()).toMatchObject({ status: 'accepted' });
        // The same race, made deterministic: the row read before someone else accepted.
        const stale = (await new WorkOrdersRepository(h.db).findById(o.id))!;
        stale.status = 'dispatched';
        await expect(h.workOrders.apply(stale, { action: 'accept', by: 'c' })).rejects.toThrow(/changed meanwhile: it is accepted now/);
        expect((await h.workOrders.get(o.id)).timeline.filter((e) => e.action === 'accept')).toHaveLength(1);
      });

      it('a complaint needs its callback: no close from resolved, no verify without a note; unsatisfied reopens', async () => {
        let o = await h.workOrders.create(complaint, 'operator');
        o = await h.act(o, { action: 'dispatch', department: 'service' });
        o = await h.act(o, { action: 'accept' });
        o = await h.act(o, { action: 'resolve' });
        await expect(h.act(o, { action: 'close' })).rejects.toThrow(/callback/);
        await expect(h.act(o, { action: 'verify', satisfied: true })).rejects.toThrow(BadRequestException);
        o = await h.act(o, { action: 'verify', satisfied: false, note: '住户说仍在滴水' });
        expect(o).toMatchObject({ status: 'reopened', callbackSatisfied: false, resolvedAt: undefined, callbackDueAt: undefined });
        o = await h.act(o, { action: 'accept' });
        o = await h.act(o, { action: 'resolve' });
        o = await h.act(o, { action: 'verify', satisfied: true, note: '回访满意' });
        o = await h.act(o, { action: 'close' });
        expect(o).toMatchObject({ status: 'closed', callbackSatisfied: true });
        expect(steps(o).slice(4)).toEqual([
          'operator:verify:resolved>reopened',
          'operator:accept:reopened>accepted',
          'operator:resolve:accepted>resolved',
          'operator:verify:resolved>verified',
          'operator:close:verified>closed',
        ]);
      });

      it('a comment is recorded in every status and changes none of them', async () => {
        const path: Parameters<typeof h.act>[1][] = [
          { action: 'dispatch', department: 'engineering' },
          { action: 'accept' },
          { action: 'start' },
          { action: 'resolve' },
          { action: 'verify' },
          { action: 'close' },
          { action: 'reopen' },
        ];
        let o = await h.workOrders.create(inspection, 'operator');
        const seen: string[] = [];
        for (const step of [undefined, ...path]) {
          if (step) o = await h.act(o, step);
          o = await h.act(o, { action: 'comment', note: `在 ${o.status} 时备注` }, 'supervisor');
          seen.push(`${o.timeline.at(-1)!.from}>${o.timeline.at(-1)!.to}`);
        }
        expect(seen).toEqual(['new>new', 'dispatched>dispatched', 'accepted>accepted', 'in_progress>in_progress', 'resolved>resolved', 'verified>verified', 'closed>closed', 'reopened>reopened']);
      });

      it('a resident unhappy on the callback can also be recorded as a reopen', async () => {
        let o = await h.workOrders.create(complaint, 'operator');
        for (const step of [{ action: 'dispatch', department: 'service' }, { action: 'accept' }, { action: 'resolve' }] as const) o = await h.act(o, step);
        o = await h.act(o, { action: 'reopen', satisfied: false, note: '住户不满意' });
        expect(o).toMatchObject({ status: 'reopened', callbackSatisfied: false });
        expect(o.callbackAt).toBeDefined();
      });

      it('an inspection closes straight from resolved; a closed order can be reopened and re-dispatched', async () => {
        let o = await h.workOrders.create(inspection, 'operator');
        o = await h.act(o, { action: 'dispatch', department: 'engineering' });
        o = await h.act(o, { action: 'accept' });
        o = await h.act(o, { action: 'dispatch', department: 'security' }); // handed over before work started
        expect(o).toMatchObject({ status: 'dispatched', department: 'security', acceptBy: '2026-11-27T01:40:00.000Z', resolveBy: '2026-11-27T02:30:00.000Z' });
        o = await h.act(o, { action: 'accept' });
        o = await h.act(o, { action: 'resolve' });
        o = await h.act(o, { action: 'close' });
        o = await h.act(o, { action: 'reopen', note: '纸箱又堆回来了' });
        o = await h.act(o, { action: 'dispatch', department: 'security', assignee: 'G01' });
        expect(o).toMatchObject({ status: 'dispatched', assignee: 'G01', closedAt: undefined });
        o = await h.act(o, { action: 'accept' });
        o = await h.act(o, { action: 'resolve' });
        o = await h.act(o, { action: 'reopen', note: '复查未通过' });
        o = await h.act(o, { action: 'dispatch', department: 'security' });
        o = await h.act(o, { action: 'dispatch', department: 'engineering' }); // re-routed before anyone accepted
        o = await h.act(o, { action: 'accept' });
        o = await h.act(o, { action: 'resolve' });
        o = await h.act(o, { action: 'verify' });
        o = await h.act(o, { action: 'reopen' });
        expect(o.status).toBe('reopened');
      });

      it('a department the site does not list cannot be dispatched to', async () => {
        // Its gate's stuck-open orders go to security instead (CONTRACT §2 routing), so the file is valid without parking.
        const small = parseSiteConfig(testSiteYaml().replace(/ {2}- \{ id: parking, .*\n/, '').replace('guards:', 'routing: { gate.stuck_open: security }\nguards:'), 'small.yaml');
        const service = new WorkOrdersService(new WorkOrdersRepository(h.db), new SitesService([small], h.db), h.clock);
        const o = await service.create(inspection, 'operator');
        await expect(service.act(o.id, { action: 'dispatch', department: 'parking' }, 'operator')).rejects.toThrow(/not a department/);
        await expect(service.create({ ...inspection, department: 'parking' }, 'operator')).rejects.toThrow(BadRequestException);
      });
    });

  });
}
