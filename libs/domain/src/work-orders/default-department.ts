// CONTRACT §2 — departments are the site's own; a new complaint or inspection raised without one
// goes to a default. One rule for the server (POST /api/work-orders) and the dashboard (the
// complaint form's preselected department). Type-only imports: the dashboard bundles this file by
// its sub-path (`@estate-watch/domain/default-department`) without the contracts' zod.
import type { DepartmentId } from '@estate-watch/contracts';

/** CONTRACT §2's example: complaints to its customer-service centre, inspections to engineering. */
export const CUSTOMER_SERVICE: DepartmentId = 'service';
export const ENGINEERING: DepartmentId = 'engineering';

/**
 * A complaint goes to the customer-service centre when the site has one, else to the site's first
 * department (a site file names at least one). With no departments known yet (the dashboard
 * before the site list arrives), the customer-service centre.
 */
export function defaultComplaintDepartment(departments: readonly { id: DepartmentId }[]): DepartmentId {
  return departments.find((d) => d.id === CUSTOMER_SERVICE)?.id ?? departments[0]?.id ?? CUSTOMER_SERVICE;
}
