// Times for a component, in the zone of the site a row belongs to (issue 12.5): alerts, work
// orders and rounds carry their site's `timezone` (issue 10 point 2), so they are read on the
// site's clock from the row alone, before GET /api/sites has answered; rows that carry only a
// `siteId` take the zone GET /api/sites gave. The locale picks the format.
import { useI18n } from 'vue-i18n';
import { useSitesStore } from '../stores/sites';
import { siteClock, siteDateTime, siteZone, type RowZone } from './dates';

export function useSiteTime() {
  const { locale } = useI18n();
  const sites = useSitesStore();
  /** A row's own zone when it carries one, else its site's (GET /api/sites), else the first site's. */
  const zoneOf = (row?: RowZone) => (typeof row === 'object' ? row.timezone : siteZone(sites.zones, row));
  return {
    zoneOf,
    /** `2026-12-04 18:05` / `4 Dec 2026 18:05` in the row's site zone. */
    dateTime: (iso: string | undefined | null, row?: RowZone, seconds = false) => siteDateTime(iso, zoneOf(row), { locale: locale.value, seconds }),
    /** `18:05` in the row's site zone. */
    clock: (iso: string | undefined | null, row?: RowZone, seconds = false) => siteClock(iso, zoneOf(row), seconds),
  };
}
