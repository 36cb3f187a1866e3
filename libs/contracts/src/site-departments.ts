// CONTRACT §2 and §4 — departments are the site's own. §4 names a department for some alert
// types' work orders (gate.fault → engineering …); a site maps them to its own in `routing`,
// and a site that relies on a department it does not define is told at start-up what to add.
import type { z } from 'zod';
import { ALERT_RULES, ALERT_TYPES, ROUTABLE_ALERT_TYPES, routedDepartment, type AlertType } from './alerts';
import { FINDING_ROUTING_KEYS } from './guard';
import type { SiteConfig } from './site-config';
import { suggestKey } from './strict-object';

type Fail = (path: (string | number)[], message: string) => void;

/** `routing` keys: alert types whose order §4 sends to a named department, and guards' finding categories (`finding.facility`). */
export function checkRoutingKeys(routing: Record<string, string>, ctx: z.RefinementCtx): void {
  for (const key of Object.keys(routing)) {
    if ((ROUTABLE_ALERT_TYPES as readonly string[]).includes(key)) continue;
    if ((FINDING_ROUTING_KEYS as readonly string[]).includes(key)) continue;
    const rule = (ALERT_TYPES as readonly string[]).includes(key) ? ALERT_RULES[key as AlertType].workOrder : undefined;
    const message =
      rule === 'route'
        ? `${key} orders go to the route's department: set department on the route instead`
        : rule === 'sensor'
          ? `${key} orders go to the sensor's department: set department on the sensor instead`
          : rule === null
            ? `${key} raises no work order, so it has no department to route to`
            : `unknown alert type, ${suggestKey(key, [...ROUTABLE_ALERT_TYPES, ...FINDING_ROUTING_KEYS])}`;
    ctx.addIssue({ code: 'custom', path: [key], message });
  }
}

/** Which routable alert types a site can raise at all: a site without gates needs no gate department. */
function raisable(c: SiteConfig): AlertType[] {
  const has = { checkpoint: c.checkpoints.length > 0, gate: c.gates.length > 0, dispenser: c.dispensers.length > 0 };
  const anyDevice = has.checkpoint || has.gate || has.dispenser || c.sensors.length > 0;
  return ROUTABLE_ALERT_TYPES.filter((t) =>
    t === 'patrol.unknown_card' ? has.checkpoint : t.startsWith('gate.') ? has.gate : t.startsWith('dispenser.') ? has.dispenser : anyDevice,
  );
}

const ADD = (id: string) => `add { id: ${id}, name: …, sla: { acceptMin: …, resolveMin: … } } to departments`;

/** Every department the file names or relies on exists; each error says the path and what to add. */
export function checkDepartments(c: SiteConfig, fail: Fail): void {
  const ids = new Set(c.departments.map((d) => d.id));
  const known = [...ids];
  const missing = (id: string) => `no department "${id}" (departments: ${known.join(', ')})`;

  c.routes.forEach((route, r) => {
    if (!ids.has(route.department)) fail(['routes', r, 'department'], `${missing(route.department)}; name one of them, or ${ADD(route.department)}`);
  });
  c.sensors.forEach((sensor, i) => {
    if (!ids.has(sensor.department)) fail(['sensors', i, 'department'], `${missing(sensor.department)}; name one of them, or ${ADD(sensor.department)}`);
  });
  for (const [type, department] of Object.entries(c.routing)) {
    if (department !== undefined && !ids.has(department)) fail(['routing', type], `${missing(department)}; ${ADD(department)}`);
  }
  // §4's defaults, for the alert types this site can raise and does not route itself.
  const reliedOn = new Map<string, AlertType[]>();
  for (const type of raisable(c)) {
    if (c.routing[type] !== undefined) continue;
    const department = routedDepartment(c, type)!;
    if (!ids.has(department)) reliedOn.set(department, [...(reliedOn.get(department) ?? []), type]);
  }
  for (const [department, types] of reliedOn) {
    fail(
      ['departments'],
      `no department "${department}", where CONTRACT §4 sends ${types.join(', ')} work orders; ${ADD(department)}, ` +
        `or route them to one of yours: routing: { ${types.map((t) => `${t}: <department id>`).join(', ')} }`,
    );
  }
}
