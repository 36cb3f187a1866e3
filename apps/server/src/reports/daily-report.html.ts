// The printable duty log (值班日志): one self-contained A4 page from a DailyReportDto. No scripts,
// no external resources, so it prints the same from a blob URL, a saved file or a new tab.
import { SEVERITIES, type DailyOrderItemDto, type DailyReportDto } from '@estate-watch/contracts';
import { localDateTimeOf, localTimeOf } from '@estate-watch/domain';
import { ALERT_TYPE_NAMES, SEVERITY_NAMES, SOURCE_NAMES, STATUS_NAMES, TOTAL_NAME } from './report-labels';

/** Every value that reaches the page goes through here (titles and notes are typed by people). */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const WEEKDAYS = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'];

/** A site time as the zh-CN screens write it: `09:31`, or `2026-11-02 09:31` with the date. */
function localTime(iso: string | undefined, timeZone: string, withDate = false): string {
  if (!iso) return '';
  return withDate ? localDateTimeOf(new Date(iso), timeZone) : localTimeOf(new Date(iso), timeZone);
}

const cell = (v: unknown, cls = '') => `<td${cls ? ` class="${cls}"` : ''}>${escapeHtml(v)}</td>`;
const num = (v: number) => cell(v, 'n');
const head = (...labels: string[]) => `<thead><tr>${labels.map((l) => `<th>${l}</th>`).join('')}</tr></thead>`;

function alertsSection(r: DailyReportDto): string {
  const a = r.alerts;
  const summary = `<table class="kv">${head('告警总数<small>Raised</small>', '未消除<small>Still open</small>', '已确认<small>Acknowledged</small>', '未确认<small>Unacknowledged</small>')}
    <tbody><tr>${num(a.raised)}${num(a.stillOpen)}${num(a.acknowledged)}${num(a.unacknowledged)}</tr></tbody></table>`;
  const severityHeads = SEVERITIES.map((s) => `${SEVERITY_NAMES[s]}<small>${s}</small>`);
  const rows = a.byType
    .map((t) => `<tr>${cell(ALERT_TYPE_NAMES[t.type] ?? t.type)}${cell(t.type, 'code')}${SEVERITIES.map((s) => num(t.bySeverity[s])).join('')}${num(t.total)}</tr>`)
    .join('');
  const byType =
    a.byType.length === 0
      ? '<p class="none">当日无告警。<small>No alerts raised.</small></p>'
      : `<table>${head('告警类型<small>Type</small>', '代码<small>Code</small>', ...severityHeads, `${TOTAL_NAME}<small>Total</small>`)}
    <tbody>${rows}</tbody>
    <tfoot><tr><th colspan="2">${TOTAL_NAME}</th>${SEVERITIES.map((s) => num(a.bySeverity[s])).join('')}${num(a.raised)}</tr></tfoot></table>`;
  return `<section><h2>一、告警<small>Alerts</small></h2>${summary}${byType}</section>`;
}

function patrolSection(r: DailyReportDto): string {
  const body = r.patrol
    ? `<table class="kv">${head('巡更轮次<small>Rounds</small>', '已完成<small>Completed</small>', '合格率<small>Compliance</small>')}
       <tbody><tr>${num(r.patrol.rounds)}${num(r.patrol.completed)}${cell(r.patrol.compliancePct === null ? '—' : `${r.patrol.compliancePct}%`, 'n')}</tr></tbody></table>`
    : `<p class="none">当日无巡更轮次。<small>${escapeHtml(r.patrolNote ?? 'no patrol rounds that day')}</small></p>`;
  return `<section><h2>二、巡更<small>Patrol</small></h2>${body}</section>`;
}

function ordersSection(r: DailyReportDto): string {
  const rows = r.workOrders.byDepartment.map((d) => `<tr>${cell(d.name)}${num(d.opened)}${num(d.closed)}${num(d.escalated)}</tr>`).join('');
  const t = r.workOrders.total;
  return `<section><h2>三、工单<small>Work orders</small></h2>
    <table>${head('部门<small>Department</small>', '新开<small>Opened</small>', '关闭<small>Closed</small>', '升级<small>Escalated</small>')}
    <tbody>${rows}</tbody><tfoot><tr><th>${TOTAL_NAME}</th>${num(t.opened)}${num(t.closed)}${num(t.escalated)}</tr></tfoot></table></section>`;
}

function orderList(title: string, items: DailyOrderItemDto[], count: number, tz: string, kind: 'escalated' | 'callback'): string {
  if (items.length === 0) return `<section><h2>${title}</h2><p class="none">无。<small>None.</small></p></section>`;
  const last =
    kind === 'escalated'
      ? ['升级时间<small>Escalated</small>', '超时环节<small>Missed</small>']
      : ['房号<small>Room</small>', '回访期限<small>Callback due</small>'];
  const rows = items
    .map((o) => {
      const tail =
        kind === 'escalated'
          ? cell(localTime(o.escalatedAt, tz)) + cell(o.escalation === 'accept' ? '接单' : o.escalation === 'resolve' ? '完成' : '接单、完成')
          : cell(o.room ?? '') + cell(localTime(o.callbackDueAt, tz, true));
      return `<tr>${cell(o.number, 'code')}${cell(o.title)}${cell(o.departmentName)}${cell(SOURCE_NAMES[o.source] ?? o.source)}${cell(STATUS_NAMES[o.status] ?? o.status)}${tail}</tr>`;
    })
    .join('');
  const more = count > items.length ? `<p class="none">另有 ${count - items.length} 条未列出，见系统。<small>${count - items.length} more not listed.</small></p>` : '';
  return `<section><h2>${title}<small>（${count}）</small></h2><table>${head('单号<small>No.</small>', '标题<small>Title</small>', '部门<small>Dept.</small>', '来源<small>Source</small>', '状态<small>Status</small>', ...last)}
    <tbody>${rows}</tbody></table>${more}</section>`;
}

const CSS = `
@page { size: A4; margin: 14mm 12mm 16mm; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 186mm; color: #111; font: 10.5pt/1.45 "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif; }
header { border-bottom: 2px solid #111; margin-bottom: 4mm; padding-bottom: 2mm; }
h1 { font-size: 17pt; margin: 0; letter-spacing: .05em; }
h1 small, h2 small, th small, p small, .meta small { font-weight: normal; color: #555; margin-left: .4em; font-size: .75em; }
th small { display: block; margin: 0; }
.meta { display: flex; justify-content: space-between; flex-wrap: wrap; gap: 2mm; margin-top: 1mm; font-size: 9.5pt; }
h2 { font-size: 12pt; margin: 5mm 0 1.5mm; }
table { width: 100%; border-collapse: collapse; margin-bottom: 2mm; }
th, td { border: 1px solid #777; padding: 1mm 1.8mm; text-align: left; vertical-align: top; }
th { background: #eee; font-weight: 600; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 9pt; white-space: nowrap; }
tfoot th, tfoot td { font-weight: 600; background: #f6f6f6; }
table.kv { width: auto; min-width: 60%; }
thead { display: table-header-group; }
tr, .sign { break-inside: avoid; page-break-inside: avoid; }
.none { color: #444; margin: 1mm 0 2mm; }
.sign { margin-top: 12mm; display: flex; gap: 12mm; font-size: 11pt; }
.sign span { flex: 1; border-bottom: 1px solid #111; padding-bottom: 1mm; }
footer { margin-top: 6mm; font-size: 8.5pt; color: #666; }
@media screen { body { padding: 10mm; } }
@media print { th, tfoot th, tfoot td { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
`;

export function renderDailyReportHtml(r: DailyReportDto): string {
  const tz = r.timezone;
  const weekday = WEEKDAYS[new Date(`${r.date}T00:00:00Z`).getUTCDay()];
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${escapeHtml(r.siteName)} 值班日志 ${escapeHtml(r.date)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(r.siteName)} 值班日志<small>Duty log</small></h1>
  <div class="meta">
    <span>日期 Date：<strong>${escapeHtml(r.date)}</strong>（${weekday}）</span>
    <span>统计截至 As of：${r.asOf === r.to ? '当日结束<small> end of day</small>' : escapeHtml(localTime(r.asOf, tz, true))}</span>
    <span>时区 Time zone：${escapeHtml(tz)}</span>
  </div>
</header>
${alertsSection(r)}
${patrolSection(r)}
${ordersSection(r)}
${orderList('四、升级工单<small>Escalated orders</small>', r.escalatedOrders, r.escalatedCount, tz, 'escalated')}
${orderList('五、回访逾期<small>Overdue callbacks</small>', r.overdueCallbacks, r.overdueCallbackCount, tz, 'callback')}
<div class="sign"><span>值班负责人签字<small> Shift lead</small>：</span><span>日期<small> Date</small>：</span></div>
<footer>生成于 Generated ${escapeHtml(localTime(r.generatedAt, tz, true))} · Estate Watch · ${escapeHtml(r.siteId)}</footer>
</body>
</html>
`;
}
