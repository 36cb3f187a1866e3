// Device timestamps: RFC 3339 with the site's own offset, as a device on site would print
// them (CONTRACT §1 envelope, e.g. 2026-11-27T09:31:05.120+08:00). The zone arithmetic is the
// domain's, so the simulator and the server's rules agree on what "09:30 in Asia/Shanghai" is.
import { rfc3339InZone, zoneOffsetMs } from '@estate-watch/domain';

/** Offset of `timeZone` from UTC at instant `ms`, in minutes (Asia/Shanghai: 480). */
export function offsetMinutes(ms: number, timeZone: string): number {
  return Math.round(zoneOffsetMs(ms, timeZone) / 60_000);
}

/** RFC 3339 with milliseconds and the given offset in minutes. */
export function formatWithOffset(ms: number, offsetMin: number): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** RFC 3339 in the site's time zone. */
export function formatTs(ms: number, timeZone: string): string {
  return rfc3339InZone(ms, timeZone, true);
}

/** The offset written in an RFC 3339 string, in minutes; `Z` is 0. */
export function offsetOf(rfc3339: string): number | undefined {
  const m = /([Zz]|([+-])(\d{2}):(\d{2}))$/.exec(rfc3339);
  if (!m) return undefined;
  if (m[1] === 'Z' || m[1] === 'z') return 0;
  const value = Number(m[3]) * 60 + Number(m[4]);
  return m[2] === '-' ? -value : value;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
