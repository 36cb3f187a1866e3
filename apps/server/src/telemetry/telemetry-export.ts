// A sensor's readings as CSV (issue 12.7): the same query as GET /api/telemetry, one row per point
// (raw) or per bucket (with step), times in the site's zone; csv.ts does the Excel-safe writing.
import type { TelemetryBucketDto, TelemetryDto, TelemetryPointDto } from '@estate-watch/contracts';
import { siteTime, toCsv } from '../reports/csv';

const RAW_HEADER = ['site', 'device', 'time zone', 'time', 'metric', 'value'] as const;
const BUCKET_HEADER = ['site', 'device', 'time zone', 'bucket start', 'step', 'metric', 'avg', 'min', 'max', 'count'] as const;

const isBucket = (p: TelemetryPointDto | TelemetryBucketDto): p is TelemetryBucketDto => 'avg' in p;

/** Rows in time order, metrics in name order within one instant. */
export function telemetryCsv(t: TelemetryDto, timeZone: string): string {
  const rows: { at: string; metric: string; cells: unknown[] }[] = [];
  for (const series of t.series) {
    for (const p of series.points) {
      const cells = isBucket(p)
        ? [t.site, t.device, timeZone, siteTime(p.t, timeZone), t.step, series.metric, p.avg, p.min, p.max, p.count]
        : [t.site, t.device, timeZone, siteTime(p.t, timeZone), series.metric, p.v];
      rows.push({ at: p.t, metric: series.metric, cells });
    }
  }
  rows.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0));
  return toCsv(t.step ? BUCKET_HEADER : RAW_HEADER, rows.map((r) => r.cells));
}
