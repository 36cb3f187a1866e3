// GET /api/alerts/export.csv (issue 12.7): the history with the list's filters, as CSV for Excel.
import type { AlertDto } from '@estate-watch/contracts';
import { siteTime, toCsv } from '../reports/csv';

const HEADER = ['站点 site', '时区 timezone', '报警时间 raised', '最近 last seen', '类型 type', '级别 severity', '状态 status', '对象 subject',
  '内容 message', '次数 count', '确认时间 acknowledged', '确认人 by', '确认备注 note', '恢复时间 cleared', '恢复人 cleared by', '工单 work order'];

/** Times in each alert's site zone (the one it carries), named in the timezone column. */
export function alertsCsv(alerts: readonly AlertDto[]): string {
  return toCsv(
    HEADER,
    alerts.map((a) => {
      const tz = a.timezone;
      return [a.siteId, tz, siteTime(a.raisedAt, tz), siteTime(a.lastSeenAt, tz), a.type, a.severity, a.status, a.subject, a.message, a.count,
        siteTime(a.acknowledgedAt, tz), a.acknowledgedBy, a.ackNote, siteTime(a.clearedAt, tz), a.clearedBy, a.workOrderId];
    }),
  );
}
