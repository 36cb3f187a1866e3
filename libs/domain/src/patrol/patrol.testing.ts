// A small site for the patrol rule tests: cp-2 is on two routes; r2 walks twice a day.
import type { RoundDto } from '@estate-watch/contracts';
import { planRounds, type PatrolSiteConfig } from './round-plan';

export const SITE: PatrolSiteConfig = {
  site: { id: 'testsite', timezone: 'Asia/Shanghai' },
  checkpoints: [
    { id: 'cp-1', name: '北门岗亭', x: 120, y: 40 },
    { id: 'cp-2', name: '地下车库B1', x: 300, y: 220 },
    { id: 'cp-3', name: '会所', x: 200, y: 100 },
  ],
  routes: [
    { id: 'r1', name: '日间巡查', department: 'security', toleranceMin: 15, schedule: ['09:30'], checkpoints: [{ checkpoint: 'cp-1', offsetMin: 0 }, { checkpoint: 'cp-2', offsetMin: 20 }] },
    {
      id: 'r2',
      name: '车库巡查',
      department: 'parking',
      toleranceMin: 10,
      schedule: ['10:00', '14:00'],
      checkpoints: [{ checkpoint: 'cp-2', offsetMin: 0 }, { checkpoint: 'cp-3', offsetMin: 30 }, { checkpoint: 'cp-1', offsetMin: 40 }],
    },
  ],
};

/** Site-local wall time on 2026-11-27 (+08:00) as an instant. */
export const local = (hms: string, date = '2026-11-27') => new Date(`${date}T${hms.length === 5 ? `${hms}:00` : hms}+08:00`);

export function round(id: string, date = '2026-11-27'): RoundDto {
  const found = planRounds(SITE, date).find((r) => r.id === `testsite:${id}:${date}` || r.id.endsWith(id));
  if (!found) throw new Error(`no round ${id}`);
  return found;
}
