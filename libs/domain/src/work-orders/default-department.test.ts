import { describe, expect, it } from 'vitest';
import { defaultComplaintDepartment } from './default-department';

// CONTRACT §2: the site's own departments, in site-file order.
describe(defaultComplaintDepartment.name, () => {
  it.each([
    { name: 'the customer-service centre when the site has one, wherever it is listed', ids: ['security', 'hotline', 'service'], expected: 'service' },
    { name: "else the site's first department", ids: ['hotline', 'greening'], expected: 'hotline' },
    { name: 'a one-department site: that one', ids: ['物业'], expected: '物业' },
    { name: 'no departments known yet: the customer-service centre', ids: [], expected: 'service' },
  ])('$name', ({ ids, expected }) => {
    expect(defaultComplaintDepartment(ids.map((id) => ({ id })))).toBe(expected);
  });
});
