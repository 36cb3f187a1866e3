// GET /api/work-orders/export.csv (issue 12.7): the orders with the list's filters, as CSV for Excel.
import type { WorkOrderDto } from '@estate-watch/contracts';
import { siteTime, toCsv } from '../reports/csv';

const HEADER = ['编号 number', '站点 site', '时区 timezone', '创建 created', '来源 source', '状态 status', '部门 department', '处理人 assignee',
  '优先级 priority', '标题 title', '报修人 reporter', '房号 room', '电话 phone', '渠道 channel', '超时 escalated', '受理期限 accept by',
  '受理 accepted', '完成期限 resolve by', '完成 resolved', '验证 verified', '设备验证 verified by device', '回访 called back',
  '回访满意 satisfied', '关闭 closed', '描述 description'];

/** Times in each order's site zone, named in the timezone column. */
export function workOrdersCsv(orders: readonly WorkOrderDto[], timezoneOf: (siteId: string) => string): string {
  return toCsv(
    HEADER,
    orders.map((o) => {
      const tz = timezoneOf(o.siteId);
      return [o.number, o.siteId, tz, siteTime(o.createdAt, tz), o.source, o.status, o.department, o.assignee, o.priority, o.title,
        o.reporter?.name, o.reporter?.room, o.reporter?.phone, o.channel, o.escalated, siteTime(o.acceptBy, tz), siteTime(o.acceptedAt, tz),
        siteTime(o.resolveBy, tz), siteTime(o.resolvedAt, tz), siteTime(o.verifiedAt, tz), o.verifiedBy === 'device', siteTime(o.callbackAt, tz),
        o.callbackSatisfied, siteTime(o.closedAt, tz), o.description];
    }),
  );
}
