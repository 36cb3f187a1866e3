import type { SiteConfig } from '@estate-watch/contracts';

/**
 * The demo estate with only its two day routes (09:30 and 15:00): the patrol tests count rounds,
 * guards and rates on those. The hourly fire-lane check is left out here, not in the demo.
 */
export function demoDayRoutes(site: SiteConfig): SiteConfig {
  return { ...site, routes: site.routes.filter((r) => r.schedule.join() === '09:30,15:00') };
}
