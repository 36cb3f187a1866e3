// GET /api/patrol/rounds/export.csv (issue 12.7): the rounds of a range as CSV for Excel, a row per
// checkpoint of each round (a manager pivots by route, guard or outcome); csv.ts does the Excel-safe writing.
import type { RoundDto } from '@estate-watch/contracts';
import { roundTo } from '@estate-watch/domain';
import { EXPORT_MAX_ROWS, siteTime, toCsv } from '../reports/csv';

const HEADER = ['站点 site', '时区 timezone', '日期 date', '路线 route', '开始 start', '轮次状态 round status', '合规率 compliance %', '顺序 seq',
  '巡更点 checkpoint', '巡更点编号 checkpoint id', '计划 planned', '窗口开始 window start', '窗口结束 window end', '结果 outcome', '刷卡 tapped',
  '保安 guard', '保安编号 guard id', '标记 flags', '刷卡次数 taps'];

/** Rounds in start order, checkpoints in walking order; times in the site's zone, named in the timezone column. */
export function roundsCsv(rounds: readonly RoundDto[], timeZone: string): { csv: string; truncated: boolean } {
  const rows: unknown[][] = [];
  for (const r of rounds) {
    const compliance = roundTo(r.compliance * 100, 1);
    for (const [i, c] of r.checkpoints.entries()) {
      rows.push([r.siteId, timeZone, r.localDate, r.routeName, siteTime(r.start, timeZone), r.status, compliance, i + 1, c.name, c.checkpointId,
        siteTime(c.plannedAt, timeZone), siteTime(c.windowStart, timeZone), siteTime(c.windowEnd, timeZone), c.outcome, siteTime(c.visitedAt, timeZone),
        c.guardName, c.guardId, c.flags.join(' '), c.taps]);
    }
  }
  return { csv: toCsv(HEADER, rows.slice(0, EXPORT_MAX_ROWS)), truncated: rows.length > EXPORT_MAX_ROWS };
}
