// The audit log's storage (issue 8 point 9), run on PGlite (unit suite) and PostgreSQL (service
// suite): append-only in the database itself, filters and paging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditQuerySchema, type AuditQuery } from '@estate-watch/contracts';
import { ManualClock } from '../common/clock';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/database.testing';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';

export function auditSuite(backend: Backend): void {
  describe(`audit log on ${backend}`, () => {
    let t: TestDatabase;
    let audit: AuditService;
    const clock = new ManualClock('2026-11-27T01:00:00Z');
    const query = (q: Record<string, unknown> = {}) => audit.page(AuditQuerySchema.parse(q) as AuditQuery);

    beforeAll(async () => {
      t = await openTestDatabase(backend);
      audit = new AuditService(new AuditRepository(t.db), clock);
      // 01:00 … 01:05, one entry a minute
      await audit.record({ action: 'config.loaded', details: { demo: false } });
      clock.advance(60_000);
      await audit.record({ actor: 'Admin', action: 'auth.login', address: '10.0.0.9' });
      clock.advance(60_000);
      await audit.record({ actor: 'mallory', action: 'auth.login', address: '203.0.113.5', outcome: 'failed' });
      clock.advance(60_000);
      await audit.record({ actor: 'admin', action: 'user.role_changed', target: 'olga', details: { role: 'supervisor' } });
      clock.advance(60_000);
      await audit.record({ actor: 'olga', action: 'work_order.dispatch', target: 'wo-1', details: { department: 'security' } });
      clock.advance(60_000);
      await audit.record({ actor: 'olga', action: 'work_order.close', target: 'wo-1' });
    });
    afterAll(() => t.drop());

    it.each([
      { statement: "UPDATE audit_log SET actor = 'nobody'", op: 'UPDATE' },
      { statement: 'DELETE FROM audit_log', op: 'DELETE' },
      { statement: 'TRUNCATE audit_log', op: 'TRUNCATE' },
    ])('the database refuses $op: the log is append-only', async ({ statement, op }) => {
      await expect(t.db.query(statement)).rejects.toThrow(`audit_log is append-only: ${op} refused`);
      expect((await query()).entries).toHaveLength(6);
    });

    it('answers newest first with every field', async () => {
      const { entries, next } = await query();
      expect(entries.map((e) => e.action)).toEqual(['work_order.close', 'work_order.dispatch', 'user.role_changed', 'auth.login', 'auth.login', 'config.loaded']);
      expect(next).toBeNull();
      expect(entries[2]).toEqual({
        id: expect.any(Number),
        at: '2026-11-27T01:03:00.000Z',
        actor: 'admin',
        action: 'user.role_changed',
        target: 'olga',
        outcome: 'ok',
        details: { role: 'supervisor' },
      });
      expect(entries[3]).toMatchObject({ actor: 'mallory', address: '203.0.113.5', outcome: 'failed' });
      expect(entries[5]).not.toHaveProperty('actor');
    });

    it.each([
      { filter: { user: 'ADMIN' }, actions: ['user.role_changed', 'auth.login'], why: 'user in any letter case' },
      { filter: { action: 'auth.login' }, actions: ['auth.login', 'auth.login'], why: 'one action' },
      { filter: { action: 'work_order' }, actions: ['work_order.close', 'work_order.dispatch'], why: 'a group of actions' },
      { filter: { from: '2026-11-27T01:01:00Z', to: '2026-11-27T01:03:00Z' }, actions: ['auth.login', 'auth.login'], why: 'from inclusive, to exclusive' },
      { filter: { from: '2026-11-27T09:04:00+08:00' }, actions: ['work_order.close', 'work_order.dispatch'], why: 'an offset time' },
      { filter: { user: 'olga', action: 'work_order.close' }, actions: ['work_order.close'], why: 'filters combine' },
    ])('filters by $why', async ({ filter, actions }) => {
      expect((await query(filter)).entries.map((e) => e.action)).toEqual(actions);
    });

    it('pages with before = the previous page\'s next, without gaps or repeats', async () => {
      const first = await query({ limit: 4 });
      expect(first.entries).toHaveLength(4);
      expect(first.next).toBe(first.entries[3].id);
      const second = await query({ limit: 4, before: first.next });
      expect(second.entries).toHaveLength(2);
      expect(second.next).toBeNull();
      const ids = [...first.entries, ...second.entries].map((e) => e.id);
      expect(new Set(ids).size).toBe(6);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
    });
  });
}
