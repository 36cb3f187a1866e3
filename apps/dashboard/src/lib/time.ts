// Time spans for the operator: relative ("3 分钟前") and durations ("2分13秒"). Dates and clock
// times are the site's, from ./dates.
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
