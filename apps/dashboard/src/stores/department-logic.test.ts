import { describe, expect, it } from 'vitest';
import type { SiteDto } from '@estate-watch/contracts';
import { departmentLabel, departmentsOf, siteDepartments } from './department-logic';

const sla = { acceptMin: 10, resolveMin: 60 };
const site = (id: string, departments: [string, string][]): SiteDto => ({ id, name: id, timezone: 'Asia/Shanghai', routing: {}, departments: departments.map(([d, name]) => ({ id: d, name, sla })) });
const lakeside = site('lakeside', [['security', '秩序维护部'], ['hotline', '热线组'], ['service', '客户服务中心']]);
const tower = site('tower', [['hotline', '400 热线'], ['greening', '绿化部']]);

describe(siteDepartments.name, () => {
  it("lists every site's departments in file order, each id once", () => {
    expect(siteDepartments([lakeside, tower]).map((d) => [d.id, d.name])).toEqual([
      ['security', '秩序维护部'],
      ['hotline', '热线组'],
      ['service', '客户服务中心'],
      ['greening', '绿化部'],
    ]);
    expect(siteDepartments([])).toEqual([]);
  });
});

describe(departmentsOf.name, () => {
  it("an order is dispatched among its own site's departments", () => {
    expect(departmentsOf([lakeside, tower], 'tower').map((d) => d.id)).toEqual(['hotline', 'greening']);
    expect(departmentsOf([lakeside, tower], 'gone').map((d) => d.id)).toEqual(['security', 'hotline', 'service', 'greening']);
  });
});

describe(departmentLabel.name, () => {
  const departments = siteDepartments([lakeside, tower]);
  it.each([
    { id: 'security', locale: 'zh-CN', translated: '安管部', expected: '秩序维护部' }, // the site's own name first
    { id: 'greening', locale: 'zh-CN', translated: undefined, expected: '绿化部' },
    { id: 'security', locale: 'en', translated: 'Security', expected: 'Security' },
    { id: 'greening', locale: 'en', translated: undefined, expected: '绿化部' }, // no translation: the site's name
    { id: 'parking', locale: 'zh-CN', translated: '车场', expected: '车场' }, // an old order's department no site lists now
    { id: 'retired-team', locale: 'en', translated: undefined, expected: 'retired-team' },
  ])('$id in $locale → $expected', ({ id, locale, translated, expected }) => {
    expect(departmentLabel(id, departments.find((d) => d.id === id)?.name, locale, translated)).toBe(expected);
  });
});
