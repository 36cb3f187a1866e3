import { describe, expect, it } from 'vitest';
import { routedDepartment } from './alerts';
import { parseSiteConfig } from './site-config';
import { example, problemsOf } from './site-config.testing';

// CONTRACT §2 — departments are the site's own; §4's departments are defaults a site may route.
const OWN_DEPARTMENTS = `departments:
  - { id: patrol-team, name: 秩序维护部, sla: { acceptMin: 5, resolveMin: 45 } }
  - { id: maintenance, name: 工程维修部, sla: { acceptMin: 20, resolveMin: 300 } }
  - { id: greening,    name: 绿化部, sla: { acceptMin: 30, resolveMin: 600 } }
  - { id: environment, name: 环境部, sla: { acceptMin: 15, resolveMin: 120 } }
  - { id: hotline,     name: 热线组, sla: { acceptMin: 3, resolveMin: 1440 } }
  - { id: 车管组,       name: 车管组, sla: { acceptMin: 5, resolveMin: 30 } }
routing: { patrol.unknown_card: patrol-team, gate.stuck_open: 车管组, gate.fault: maintenance, dispenser.low: environment, dispenser.empty: environment, device.offline: maintenance }
`;
const own = (text: string) =>
  text
    .replace(/departments:[\s\S]*?guards:/, `${OWN_DEPARTMENTS}guards:`)
    .replace('department: security', 'department: patrol-team')
    .replace('department: engineering', 'department: maintenance');

describe('a site with departments of its own', () => {
  it('loads, and every alert type goes where its routing says', () => {
    const cfg = parseSiteConfig(own(example), 'own.yaml');
    expect(cfg.departments.map((d) => d.id)).toEqual(['patrol-team', 'maintenance', 'greening', 'environment', 'hotline', '车管组']);
    expect(cfg.routes[0]!.department).toBe('patrol-team');
    expect(routedDepartment(cfg, 'gate.fault')).toBe('maintenance');
    expect(routedDepartment(cfg, 'gate.stuck_open')).toBe('车管组');
    expect(routedDepartment(cfg, 'parking.full')).toBeUndefined(); // raises no order
  });

  it('without routing, §4 defaults apply to the example site', () => {
    const cfg = parseSiteConfig(example, 'example.yaml');
    expect(cfg.routing).toEqual({});
    expect(routedDepartment(cfg, 'gate.fault')).toBe('engineering');
    expect(routedDepartment(cfg, 'dispenser.low')).toBe('cleaning');
  });

  it('needs no department for devices it does not have: a patrol-only site with one department', () => {
    const text = `
site: { id: tower, name: 写字楼, timezone: Asia/Shanghai }
departments: [{ id: 秩序维护部, name: 秩序维护部, sla: { acceptMin: 5, resolveMin: 60 } }]
routing: { patrol.unknown_card: 秩序维护部, device.offline: 秩序维护部 }
checkpoints: [{ id: cp-1, name: 大堂, x: 0, y: 0, secret: secret-1 }]
routes: [{ id: r1, name: 夜巡, department: 秩序维护部, schedule: ["22:00"], checkpoints: [{ checkpoint: cp-1, offsetMin: 0 }] }]
`;
    expect(parseSiteConfig(text, 'tower.yaml').routes[0]!.department).toBe('秩序维护部');
  });

  // Each refusal says the path and what to add.
  it.each([
    {
      name: 'a default relied on is missing',
      edit: (t: string) => own(t).replace(/routing: .*\n/, 'routing: { patrol.unknown_card: patrol-team, dispenser.low: environment, dispenser.empty: environment }\n'),
      problem:
        'departments: no department "parking", where CONTRACT §4 sends gate.stuck_open work orders; add { id: parking, name: …, sla: { acceptMin: …, resolveMin: … } } to departments, or route them to one of yours: routing: { gate.stuck_open: <department id> }',
    },
    {
      name: 'two types relying on one missing default are named together',
      edit: (t: string) => own(t).replace(' gate.fault: maintenance,', '').replace(', device.offline: maintenance', ''),
      problem: 'departments: no department "engineering", where CONTRACT §4 sends gate.fault, device.offline work orders',
    },
    { name: 'a routing target the site lacks', edit: (t: string) => own(t).replace('gate.fault: maintenance', 'gate.fault: repairs'), problem: 'routing.gate.fault: no department "repairs" (departments: patrol-team, maintenance, greening, environment, hotline, 车管组); add { id: repairs' },
    { name: 'a route relying on the default security', edit: (t: string) => own(t).replace('    department: patrol-team\n', ''), problem: 'routes[0].department: no department "security" (departments: patrol-team, maintenance, greening, environment, hotline, 车管组); name one of them, or add { id: security' },
    { name: 'a sensor relying on the default engineering', edit: (t: string) => own(t).replace('    department: maintenance\n', ''), problem: 'sensors[0].department: no department "engineering"' },
    { name: 'a misspelt alert type', edit: (t: string) => own(t).replace('gate.fault: maintenance', 'gate.faults: maintenance'), problem: 'routing.gate.faults: unknown alert type, did you mean gate.fault?' },
    { name: 'an alert type routed by its route', edit: (t: string) => own(t).replace('routing: {', 'routing: { patrol.missed: hotline,'), problem: "routing.patrol.missed: patrol.missed orders go to the route's department: set department on the route instead" },
    { name: 'an alert type routed by its sensor', edit: (t: string) => own(t).replace('routing: {', 'routing: { sensor.threshold: hotline,'), problem: "routing.sensor.threshold: sensor.threshold orders go to the sensor's department" },
    { name: 'an alert type with no order', edit: (t: string) => own(t).replace('routing: {', 'routing: { parking.full: hotline,'), problem: 'routing.parking.full: parking.full raises no work order' },
  ])('$name', ({ edit, problem }) => {
    expect(problemsOf(edit(example))).toContainEqual(expect.stringContaining(problem));
  });
});
