// HTTP contract of /api/work-orders (CONTRACT §6): roles, validation, 409 bodies, OpenAPI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkOrderConflictBody, WorkOrderDto } from '@estate-watch/contracts';
import { createTestApp, type TestApp } from '../common/http/http.testing';
import { testSite } from '../sites/sites.testing';
import { WorkOrdersModule } from './work-orders.module';

const complaint = {
  source: 'complaint',
  title: '电梯异响',
  description: '2栋电梯运行时有异响',
  reporter: { name: '陈先生', room: '2-801', phone: '13900001111' },
  channel: 'walk_in',
};

describe('/api/work-orders over HTTP', () => {
  let t: TestApp;
  let operator: string;

  beforeAll(async () => {
    t = await createTestApp({ imports: [WorkOrdersModule], sites: [testSite('work-orders')] });
    operator = await t.login('operator');
  });
  afterAll(async () => t?.close());

  const post = <T>(path: string, body: unknown, token = operator) => t.request<T>('POST', path, { token, body });

  it('needs a token for every call', async () => {
    expect((await t.request('GET', '/api/work-orders')).status).toBe(401);
    expect((await t.request('POST', '/api/work-orders', { body: complaint })).status).toBe(401);
  });

  it('an operator raises a complaint, reads it back and finds it in the open list', async () => {
    const created = await post<WorkOrderDto>('/api/work-orders', complaint);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'new', department: 'service', createdBy: 'operator', channel: 'walk_in' });
    const one = await t.request<WorkOrderDto>('GET', `/api/work-orders/${created.body.id}`, { token: operator });
    expect(one.body.timeline).toEqual([expect.objectContaining({ by: 'operator', action: 'create', to: 'new' })]);
    const open = await t.request<WorkOrderDto[]>('GET', '/api/work-orders?status=open&source=complaint&department=service&escalated=false', { token: operator });
    expect(open.body.map((o) => o.id)).toContain(created.body.id);
  });

  it.each([
    [{ ...complaint, reporter: undefined }, 'reporter'],
    [{ ...complaint, reporter: { ...complaint.reporter, phone: 'call me' } }, 'reporter.phone'],
    [{ ...complaint, department: 'kitchen' }, 'department'],
    [{ ...complaint, siteId: 'elsewhere' }, 'siteId'],
    [{ source: 'alert', title: 'x', description: 'y' }, 'source'],
  ])('refuses a bad order with 400 naming the field (%#: %s)', async (body, field) => {
    const res = await post<{ message: string }>('/api/work-orders', body);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(field);
  });

  it('takes actions; an illegal one is a 409 with the status and the allowed actions', async () => {
    const { body: order } = await post<WorkOrderDto>('/api/work-orders', { source: 'inspection', title: '井盖松动', description: '北门井盖松动' });
    const dispatched = await post<WorkOrderDto>(`/api/work-orders/${order.id}/events`, { action: 'dispatch', department: 'engineering', assignee: '李师傅' });
    expect(dispatched.status).toBe(201);
    expect(dispatched.body).toMatchObject({ status: 'dispatched', assignee: '李师傅', allowedActions: ['dispatch', 'accept', 'comment'] });
    const refused = await post<WorkOrderConflictBody>(`/api/work-orders/${order.id}/events`, { action: 'start' });
    expect(refused.status).toBe(409);
    expect(refused.body).toEqual({ statusCode: 409, message: 'cannot start a dispatched order', status: 'dispatched', allowed: ['dispatch', 'accept', 'comment'] });
  });

  it('a complaint verified without the callback note is a 400; unknown fields and actions are refused', async () => {
    const { body: order } = await post<WorkOrderDto>('/api/work-orders', complaint);
    for (const body of [{ action: 'dispatch', department: 'service' }, { action: 'accept' }, { action: 'resolve' }]) {
      expect((await post(`/api/work-orders/${order.id}/events`, body)).status).toBe(201);
    }
    const noNote = await post<{ message: string }>(`/api/work-orders/${order.id}/events`, { action: 'verify', satisfied: true });
    expect(noNote.status).toBe(400);
    expect(noNote.body.message).toContain('note');
    expect((await post(`/api/work-orders/${order.id}/events`, { action: 'teleport' })).status).toBe(400);
    expect((await post(`/api/work-orders/${order.id}/events`, { action: 'comment' })).status).toBe(400); // a comment needs its note
    const verified = await post<WorkOrderDto>(`/api/work-orders/${order.id}/events`, { action: 'verify', satisfied: true, note: '满意', status: 'closed' });
    expect(verified.body).toMatchObject({ status: 'verified', callbackSatisfied: true });
  });

  it('an unknown id is 404, a malformed one 400', async () => {
    expect((await t.request('GET', '/api/work-orders/00000000-0000-4000-8000-000000000000', { token: operator })).status).toBe(404);
    expect((await post('/api/work-orders/00000000-0000-4000-8000-000000000000/events', { action: 'accept' })).status).toBe(404);
    expect((await t.request('GET', '/api/work-orders/WO-1', { token: operator })).status).toBe(400);
  });

  it('is documented in OpenAPI with its role and its 409', async () => {
    const doc = (await t.request<{ paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown>; parameters?: { name: string }[] }>> }>('GET', '/api/docs-json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/work-orders', '/api/work-orders/{id}', '/api/work-orders/{id}/events']));
    const events = doc.paths['/api/work-orders/{id}/events']!.post!;
    expect(events.security).toBeDefined();
    expect(Object.keys(events.responses)).toEqual(expect.arrayContaining(['400', '401', '403', '409']));
    expect(doc.paths['/api/work-orders']!.get!.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['status', 'department', 'source', 'escalated']));
  });
});
