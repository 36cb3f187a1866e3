// Times for a component, in the zone of the site a row belongs to (issue 12.5): rows carry their
// `siteId`, GET /api/sites carries each site's `timezone`, and the locale picks the format.
import { useI18n } from 'vue-i18n';
import { useSitesStore } from '../stores/sites';
import { siteClock, siteDateTime, siteZone } from './dates';

export function useSiteTime() {
  const { locale } = useI18n();
  const sites = useSitesStore();
  const zoneOf = (siteId?: string) => siteZone(sites.zones, siteId);
  return {
    zoneOf,
    /** `2026-12-04 18:05` / `4 Dec 2026 18:05` in the site's zone. */
    dateTime: (iso: string | undefined | null, siteId?: string, seconds = false) => siteDateTime(iso, zoneOf(siteId), { locale: locale.value, seconds }),
    /** `18:05` in the site's zone. */
    clock: (iso: string | undefined | null, siteId?: string, seconds = false) => siteClock(iso, zoneOf(siteId), seconds),
  };
}
