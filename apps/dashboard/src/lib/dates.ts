// Calendar dates (YYYY-MM-DD) for the date pickers of the patrol board and the reports.

/** YYYY-MM-DD of `now` on this machine's calendar: the date picker's "today". */
export function localDate(now: number): string {
  const d = new Date(now);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/**
 * Today in the site's zone (YYYY-MM-DD): the reports count a site's days, so the pickers' "today"
 * is the site's, whatever zone this browser is in (this machine's calendar when no zone is known yet).
 */
export function siteDate(now: number, timeZone: string | undefined): string {
  if (!timeZone) return localDate(now);
  const p = siteParts(now, timeZone);
  return `${p.year}-${pad(p.month!)}-${pad(p.day!)}`;
}

/** A YYYY-MM-DD date moved by whole days (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

// Times in the site's time zone (issue 12.5): one place for the dashboard's site clocks, so the
// engineer who later unifies them finds every use of these three functions.

const siteFormats = new Map<string, Intl.DateTimeFormat>();
function siteFormat(timeZone: string): Intl.DateTimeFormat {
  let f = siteFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    siteFormats.set(timeZone, f);
  }
  return f;
}
function siteParts(at: number, timeZone: string): Record<string, number> {
  return Object.fromEntries(siteFormat(timeZone).formatToParts(new Date(at)).filter((p) => p.type !== 'literal').map((p) => [p.type, Number(p.value)]));
}
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * `2026-11-27 09:31` in the site's zone: the one date format of the dashboard in both languages
 * (year first reads the same to a Chinese and an English reader, and sorts). '—' for no time.
 */
export function siteDateTime(iso: string | undefined | null, timeZone: string, seconds = false): string {
  if (!iso) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const p = siteParts(at, timeZone);
  return `${p.year}-${pad(p.month!)}-${pad(p.day!)} ${pad(p.hour!)}:${pad(p.minute!)}${seconds ? `:${pad(p.second!)}` : ''}`;
}

/** The zone to name beside times: the site's, when this browser's differs; otherwise undefined. */
export function zoneNote(timeZone: string, browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone): string | undefined {
  return timeZone === browserZone ? undefined : timeZone;
}

/** The instant a site-local date begins, as RFC 3339 with its offset (`2026-11-27T00:00:00+08:00`), for from/to. */
export function siteDayStart(date: string, timeZone: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d);
  // The zone's offset at that moment, found by reading the guess back in the zone (twice: a DST change near midnight).
  let at = guess;
  for (let i = 0; i < 2; i++) {
    const p = siteParts(at, timeZone);
    const shown = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!, p.second!);
    at = guess - (shown - at);
  }
  const offsetMin = Math.round((guess - at) / 60_000);
  const sign = offsetMin >= 0 ? '+' : '-';
  return `${date}T00:00:00${sign}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
}
