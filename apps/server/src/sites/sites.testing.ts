// The test site, one fixture for every suite: site `testsite`, one device of each kind,
// heartbeat 30 s, CONTRACT §2's example departments. Each variant changes only what its tests are
// about; a test that needs one more difference edits testSiteYaml() where it is used.
import { parseSiteConfig, type SiteConfig } from '@estate-watch/contracts';

/** The five departments of CONTRACT §2's example, for test sites that need §4's defaults. */
export const EXAMPLE_DEPARTMENTS_YAML = `departments:
  - { id: security,    name: 安管部, sla: { acceptMin: 10, resolveMin: 60 } }
  - { id: cleaning,    name: 保洁部, sla: { acceptMin: 15, resolveMin: 120 } }
  - { id: engineering, name: 工程部, sla: { acceptMin: 15, resolveMin: 240 } }
  - { id: parking,     name: 车场,   sla: { acceptMin: 5,  resolveMin: 30 } }
  - { id: service,     name: 客户服务中心, sla: { acceptMin: 10, resolveMin: 1440 } }
`;

const BASE_YAML = `
site: { id: testsite, name: 测试小区, timezone: Asia/Shanghai, heartbeatSec: 30 }
${EXAMPLE_DEPARTMENTS_YAML}guards:
  - { id: G01, name: 张伟, card: 04A1B2C3D4E5F6 }
checkpoints:
  - { id: cp-1, name: 北门岗亭, x: 120, y: 40, secret: secret-cp-1 }
  - { id: cp-2, name: 地下车库B1, x: 300, y: 220, secret: secret-cp-2 }
routes:
  - { id: r1, name: 日间巡查, schedule: ["09:30"], checkpoints: [{ checkpoint: cp-1, offsetMin: 0 }, { checkpoint: cp-2, offsetMin: 20 }] }
lots:
  - { id: lot-1, name: 北区地面车场, capacity: 10 }
gates:
  - { id: gate-1, name: 北门入口, lot: lot-1, secret: secret-gate-1 }
dispensers:
  - { id: soap-1, name: 会所洗手液, consumable: soap, secret: secret-soap-1 }
sensors:
  - id: boiler-1
    name: 1号锅炉
    secret: secret-boiler-1
    limits:
      temperature_c: { min: 40, max: 85, forSec: 30, hysteresis: 2 }
`;

const VARIANTS = {
  /** The site as written above. */
  base: (yaml: string) => yaml,
  /** Departments of its own (none of CONTRACT §2's example five) and routing for §4's defaults. */
  'own-departments': (yaml: string) =>
    yaml
      .replace(
        /departments:[\s\S]*?guards:/,
        `departments:
  - { id: patrol-team, name: 秩序维护部, sla: { acceptMin: 5, resolveMin: 45 } }
  - { id: maintenance, name: 工程维修部, sla: { acceptMin: 20, resolveMin: 300 } }
  - { id: greening,    name: 绿化部, sla: { acceptMin: 30, resolveMin: 600 } }
  - { id: environment, name: 环境部, sla: { acceptMin: 25, resolveMin: 120 } }
  - { id: hotline,     name: 热线组, sla: { acceptMin: 3, resolveMin: 1440 } }
  - { id: 车管组,       name: 车管组, sla: { acceptMin: 7, resolveMin: 30 } }
routing: { patrol.unknown_card: patrol-team, gate.stuck_open: 车管组, gate.fault: maintenance, dispenser.low: environment, dispenser.empty: environment, device.offline: maintenance }
guards:`,
      )
      .replace('{ id: r1, name: 日间巡查,', '{ id: r1, name: 日间巡查, department: patrol-team,')
      .replace('    secret: secret-boiler-1\n', '    secret: secret-boiler-1\n    department: greening\n'),
  /** A patrol route run by the car park, and a pump looked after by cleaning (a sensor with no limits). */
  'work-orders': (yaml: string) =>
    yaml.replace('{ id: r1, name: 日间巡查,', '{ id: r1, name: 日间巡查, department: parking,').concat(`
  - id: pool-pump
    name: 泳池水泵
    department: cleaning
    secret: secret-pool-pump
`),
  /**
   * The same site on Europe/Berlin's clock: neither Shanghai's nor (on a test machine) the server's
   * zone, with daylight saving, so a time shown or carried in the wrong zone differs (issue 10.2).
   */
  berlin: (yaml: string) => yaml.replace('timezone: Asia/Shanghai', 'timezone: Europe/Berlin'),
} satisfies Record<string, (yaml: string) => string>;

export type TestSiteVariant = keyof typeof VARIANTS;

export function testSiteYaml(variant: TestSiteVariant = 'base'): string {
  return VARIANTS[variant](BASE_YAML);
}

export function testSite(variant: TestSiteVariant = 'base'): SiteConfig {
  return parseSiteConfig(testSiteYaml(variant), variant === 'base' ? 'test-site.yaml' : `test-site.${variant}.yaml`);
}
