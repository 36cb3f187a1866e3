// Time formatting for the operator: relative ("3 分钟前"), durations ("2分13秒"), clock times.
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

/** "刚刚" / "3 分钟前" / "2 hours ago", relative to `now`. */
export function relativeTime(iso: string | undefined, now: number, locale: string): string {
  if (!iso) return '—';
  const ms = Date.parse(iso) - now;
  if (Number.isNaN(ms)) return '—';
  const rtf = relativeFormat(locale);
  if (Math.abs(ms) < 10_000) return rtf.format(0, 'second');
  for (const [unit, size] of UNITS) {
    if (Math.abs(ms) >= size) return rtf.format(Math.trunc(ms / size), unit);
  }
  return rtf.format(0, 'second');
}

const formats = new Map<string, Intl.RelativeTimeFormat>();
function relativeFormat(locale: string): Intl.RelativeTimeFormat {
  let rtf = formats.get(locale);
  if (!rtf) formats.set(locale, (rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })));
  return rtf;
}

/** Elapsed time as compact h/m/s parts, e.g. { h: 0, m: 2, s: 13 }. */
export function durationParts(ms: number): { h: number; m: number; s: number } {
  const total = Math.max(0, Math.floor(ms / 1000));
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

/** Full local date-time for the detail panel, seconds included (audit trail); in `timeZone` when given (a site's). */
export function dateTime(iso: string | undefined, locale: string, timeZone?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(locale, {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone,
  }).format(d);
}

/** "09:31" in `timeZone` (a site's, from a report). */
export function clockIn(iso: string | undefined, locale: string, timeZone?: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false, timeZone }).format(d);
}
