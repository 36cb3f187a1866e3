// Issue 12.7 over HTTP: search, date range, keyset paging and CSV export of work orders and alerts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDto, WorkOrderDto } from '@estate-watch/contracts';
import { createTestApp, type TestApp } from '../common/http/http.testing';
import { testSite } from '../sites/sites.testing';
import { WorkOrdersModule } from './work-orders.module';

const reporters = [
  { name: '陈先生', room: '2-801', phone: '13900001111', title: '电梯异响' },
  { name: '王女士', room: '5-302', phone: '13800002222', title: 'leak, "urgent"\nsecond line' },
  { name: '李 100%', room: '7-101', phone: '13700003333', title: '=HYPERLINK("http://evil")' },
  { name: '赵先生', room: '2-805', phone: '13600004444', title: '门禁卡失效' },
  { name: '孙女士', room: '9-901', phone: '13500005555', title: '路灯不亮' },
];

describe('work-order and alert history over HTTP', () => {
  let t: TestApp;
  let operator: string;
  const created: WorkOrderDto[] = [];

  beforeAll(async () => {
    t = await createTestApp({ imports: [WorkOrdersModule], sites: [testSite('work-orders')] });
    operator = await t.login('operator');
    for (const r of reporters) {
      const res = await t.request<WorkOrderDto>('POST', '/api/work-orders', {
        token: operator,
        body: { source: 'complaint', title: r.title, description: 'd', reporter: { name: r.name, room: r.room, phone: r.phone }, channel: 'phone' },
      });
      created.push(res.body);
    }
    // Alerts raised a minute apart, two at the same instant (the tie-breaker must page them apart).
    const times = ['2026-11-02T01:00:00Z', '2026-11-02T02:00:00Z', '2026-11-02T02:00:00Z', '2026-11-02T03:00:00Z', '2026-11-03T01:00:00Z'];
    for (const [i, at] of times.entries()) {
      await t.db.query(
        `INSERT INTO alerts (site_id, type, subject, severity, status, message, raised_at, last_seen_at, cleared_at)
         VALUES ('testsite', 'device.offline', $1, 'major', 'cleared', $2, $3, $3, $3)`,
        [`dev-${i}`, i === 3 ? '1号锅炉 offline, 100% down' : `dev-${i} offline`, at],
      );
    }
  });
  afterAll(async () => t?.close());

  const get = <T>(path: string) => t.request<T>('GET', path, { token: operator });
  const numbers = (orders: WorkOrderDto[]) => orders.map((o) => o.number);

  it('lists each order exactly as GET /api/work-orders/{id} answers it (times, timeline, alerts)', async () => {
    const id = created[1]!.id;
    for (const body of [{ action: 'dispatch', department: 'engineering', assignee: '老李' }, { action: 'accept' }, { action: 'comment', note: '已到现场, "带梯子"' }]) {
      expect((await t.request('POST', `/api/work-orders/${id}/events`, { token: operator, body })).status).toBe(201);
    }
    const list = await get<WorkOrderDto[]>('/api/work-orders');
    expect(list.body.find((o) => o.id === id)!.timeline.map((e) => e.action)).toEqual(['create', 'dispatch', 'accept', 'comment']);
    for (const order of list.body) expect(order).toEqual((await get<WorkOrderDto>(`/api/work-orders/${order.id}`)).body);
  });

  it.each([
    { q: '5-302', expected: [1] },
    { q: '1390000', expected: [0] },
    { q: '赵', expected: [3] },
    { q: '2-80', expected: [3, 0] },
    { q: '100%', expected: [2] }, // % is literal: not "everything starting 100"
    { q: '_', expected: [] }, // _ is literal too
  ])('q=$q finds the orders by number, room, phone or reporter', async ({ q, expected }) => {
    const res = await get<WorkOrderDto[]>(`/api/work-orders?q=${encodeURIComponent(q)}`);
    expect(res.status).toBe(200);
    expect(numbers(res.body)).toEqual(expected.map((i) => created[i]!.number));
  });

  it('finds an order by its number', async () => {
    const res = await get<WorkOrderDto[]>(`/api/work-orders?q=${created[4]!.number}`);
    expect(numbers(res.body)).toEqual([created[4]!.number]);
  });

  it('pages newest first with X-Next-Cursor until the last page, each order once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: Awaited<ReturnType<typeof get<WorkOrderDto[]>>> = await get<WorkOrderDto[]>(`/api/work-orders?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...numbers(res.body));
      cursor = res.headers.get('x-next-cursor');
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(numbers(created).reverse());
    expect(pages).toBe(3);
  });

  it('pages alerts raised at the same instant apart, each once', async () => {
    const first = await get<AlertDto[]>('/api/alerts?limit=2');
    const second = await get<AlertDto[]>(`/api/alerts?limit=2&cursor=${first.headers.get('x-next-cursor')}`);
    const third = await get<AlertDto[]>(`/api/alerts?limit=2&cursor=${second.headers.get('x-next-cursor')}`);
    expect([...first.body, ...second.body, ...third.body].map((a) => a.subject).sort()).toEqual(['dev-0', 'dev-1', 'dev-2', 'dev-3', 'dev-4']);
    expect(third.body).toHaveLength(1);
    expect(third.headers.get('x-next-cursor')).toBeNull();
  });

  it('bounds alerts by from (inclusive) and to (exclusive), and searches their text', async () => {
    const range = await get<AlertDto[]>(`/api/alerts?from=${encodeURIComponent('2026-11-02T10:00:00+08:00')}&to=${encodeURIComponent('2026-11-02T11:00:00+08:00')}`);
    expect(range.body.map((a) => a.subject).sort()).toEqual(['dev-1', 'dev-2']);
    const search = await get<AlertDto[]>(`/api/alerts?q=${encodeURIComponent('100%')}`);
    expect(search.body.map((a) => a.subject)).toEqual(['dev-3']);
  });

  it.each([
    { path: '/api/work-orders?cursor=not-a-cursor', message: 'cursor' },
    { path: '/api/alerts?from=2026-11-02', message: 'from' },
    { path: `/api/alerts?cursor=${btoa('2026-11-02T01:00:00.000000Z|WO-1')}`, message: 'cursor' },
  ])('400 for $path, naming what to fix', async ({ path, message }) => {
    const res = await get<{ message: string }>(path);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain(message);
  });

  it('exports the filtered orders as CSV for Excel: BOM, quoting, no formulas, site-local times', async () => {
    const res = await fetch(`${t.url}/api/work-orders/export.csv?source=complaint`, { headers: { authorization: `Bearer ${operator}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="work-orders-\d{4}-\d{2}-\d{2}\.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.subarray(3));
    const lines = text.split('\r\n');
    expect(lines[0]).toMatch(/^编号 number,站点 site,时区 timezone,创建 created,/);
    expect(lines).toHaveLength(1 + 5 + 1); // header, five orders, the empty string after the last CRLF
    expect(text).toContain('"leak, ""urgent""\nsecond line"');
    expect(text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    const created0 = created[0]!;
    const local = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(created0.createdAt));
    expect(text).toContain(`${created0.number},testsite,Asia/Shanghai,${local},complaint,`);
  });

  it('exports alerts with the list filters; needs a token', async () => {
    expect((await fetch(`${t.url}/api/alerts/export.csv`)).status).toBe(401);
    const res = await fetch(`${t.url}/api/alerts/export.csv?q=dev-0`, { headers: { authorization: `Bearer ${operator}` } });
    const text = (await res.text()).replace(/^\uFEFF/, '');
    expect(text.split('\r\n')[1]).toBe('testsite,Asia/Shanghai,2026-11-02 09:00:00,2026-11-02 09:00:00,device.offline,major,cleared,dev-0,dev-0 offline,1,,,,2026-11-02 09:00:00,,');
  });
});
