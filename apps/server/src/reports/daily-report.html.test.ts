import { describe, expect, it } from 'vitest';
import type { DailyReportDto } from '@estate-watch/contracts';
import { escapeHtml, renderDailyReportHtml } from './daily-report.html';

const empty: DailyReportDto = {
  siteId: 'lakeside',
  siteName: '湖畔花园',
  timezone: 'Asia/Shanghai',
  date: '2026-11-02',
  from: '2026-11-01T16:00:00.000Z',
  to: '2026-11-02T16:00:00.000Z',
  asOf: '2026-11-02T16:00:00.000Z',
  generatedAt: '2026-11-03T01:00:00.000Z',
  alerts: { raised: 0, bySeverity: { info: 0, minor: 0, major: 0, critical: 0 }, byType: [], stillOpen: 0, conditionActive: 0, acknowledged: 0, unacknowledged: 0 },
  patrol: null,
  patrolNote: 'no patrol rounds that day',
  workOrders: { byDepartment: [], total: { opened: 0, closed: 0, escalated: 0 } },
  escalatedOrders: [],
  escalatedCount: 0,
  overdueCallbacks: [],
  overdueCallbackCount: 0,
};

describe(escapeHtml.name, () => {
  it.each([
    { input: '<script>alert(1)</script>', expected: '&lt;script&gt;alert(1)&lt;/script&gt;' },
    { input: `"a" & 'b'`, expected: '&quot;a&quot; &amp; &#39;b&#39;' },
    { input: undefined, expected: '' },
    { input: 3, expected: '3' },
  ])('$input → $expected', ({ input, expected }) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe(renderDailyReportHtml.name, () => {
  it('heads the page with the site, the date and its weekday, and ends with the shift lead signature', () => {
    const html = renderDailyReportHtml(empty);
    expect(html).toContain('<title>湖畔花园 值班日志 2026-11-02</title>');
    expect(html).toContain('（星期一）');
    expect(html).toMatch(/值班负责人签字[\s\S]*<\/body>/);
    expect(html).toContain('统计截至 As of：当日结束');
    expect(renderDailyReportHtml({ ...empty, asOf: '2026-11-02T06:30:00.000Z' })).toContain('统计截至 As of：2026-11-02 14:30');
  });

  it('says "none" rather than printing empty tables, and why patrol is missing', () => {
    const html = renderDailyReportHtml(empty);
    expect(html).toContain('当日无告警');
    expect(html.match(/无。<small>None.<\/small>/g)).toHaveLength(2);
    expect(html).toContain('当日无巡更轮次。<small>no patrol rounds that day</small>');
  });

  it('prints patrol figures once recorded', () => {
    const html = renderDailyReportHtml({ ...empty, patrol: { rounds: 4, completed: 3, compliancePct: 91.7 }, patrolNote: undefined });
    expect(html).toContain('<td class="n">4</td><td class="n">3</td><td class="n">91.7%</td>');
  });

  it('escapes what people typed: a title cannot inject markup', () => {
    const html = renderDailyReportHtml({
      ...empty,
      escalatedCount: 1,
      escalatedOrders: [
        {
          id: '1',
          number: 'WO-1',
          title: '<img src=x onerror=alert(1)>',
          source: 'complaint',
          status: 'dispatched',
          priority: 'normal',
          department: 'security',
          departmentName: '安管部',
          createdAt: '2026-11-02T01:00:00.000Z',
          escalation: 'accept',
          escalatedAt: '2026-11-02T01:10:00.000Z',
        },
      ],
    });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('<td>09:10</td><td>接单</td>');
  });

  it('says how many more there are when a list was cut short', () => {
    const item = { id: '1', number: 'WO-1', title: 't', source: 'complaint', status: 'resolved', priority: 'normal', department: 'service', departmentName: '客户服务中心', createdAt: '2026-10-01T01:00:00.000Z', callbackDueAt: '2026-10-04T01:00:00.000Z', room: '1-101' } as const;
    const html = renderDailyReportHtml({ ...empty, overdueCallbacks: [item], overdueCallbackCount: 201 });
    expect(html).toContain('回访逾期<small>Overdue callbacks</small><small>（201）</small>');
    expect(html).toContain('另有 200 条未列出');
  });
});
