// Departments are the site's own (CONTRACT §2): the filters, pickers and labels come from the site
// files (GET /api/sites), not from a fixed list. Pure, unit-tested.
import type { DepartmentDto, SiteDto } from '@estate-watch/contracts';

/** Every site's departments in site-file order, each id once (the first site's name wins). */
export function siteDepartments(sites: readonly SiteDto[]): DepartmentDto[] {
  const seen = new Map<string, DepartmentDto>();
  for (const site of sites) for (const d of site.departments) if (!seen.has(d.id)) seen.set(d.id, d);
  return [...seen.values()];
}

/**
 * What a person reads for a department: in Chinese the site file's own name (秩序维护部, not a
 * built-in 安管部); in another language a translation when there is one (`translated`, for the
 * example's five ids), else the site's name; an id no site lists any more, the id itself.
 */
export function departmentLabel(id: string, own: string | undefined, locale: string, translated?: string): string {
  if (locale === 'zh-CN') return own ?? translated ?? id;
  return translated ?? own ?? id;
}

/** Where an order of `siteId` may be dispatched: that site's departments (every site's while unknown). */
export function departmentsOf(sites: readonly SiteDto[], siteId: string): DepartmentDto[] {
  return sites.find((s) => s.id === siteId)?.departments ?? siteDepartments(sites);
}
