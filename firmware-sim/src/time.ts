// Device timestamps: RFC 3339 with the site's own offset, as a device on site would print
// them (CONTRACT §1 envelope, e.g. 2026-11-27T09:31:05.120+08:00).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at instant `ms`, in minutes (Asia/Shanghai: 480). */
export function offsetMinutes(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const whole = Math.floor(ms / 1000) * 1000;
  return Math.round((wall - whole) / 60_000);
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
  return formatWithOffset(ms, offsetMinutes(ms, timeZone));
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
