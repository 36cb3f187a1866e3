import { expect } from 'vitest';
import { parseSiteConfig, SiteConfigError } from './site-config';

// CONTRACT §2, the example site file verbatim.
export const example = `
site: { id: lakeside, name: 湖畔花园, timezone: Asia/Shanghai, heartbeatSec: 60 }
departments:
  - { id: security,    name: 安管部, sla: { acceptMin: 10, resolveMin: 60 } }
  - { id: cleaning,    name: 保洁部, sla: { acceptMin: 15, resolveMin: 120 } }
  - { id: engineering, name: 工程部, sla: { acceptMin: 15, resolveMin: 240 } }
  - { id: parking,     name: 车场,   sla: { acceptMin: 5,  resolveMin: 30 } }
  - { id: service,     name: 客户服务中心, sla: { acceptMin: 10, resolveMin: 1440 } }
guards:
  - { id: G01, name: 张伟, card: 04A1B2C3D4E5F6 }
checkpoints:
  - { id: cp-north-gate, name: 北门岗亭, x: 120, y: 40, secret: s3cret-1 }
  - { id: cp-garage-b1,  name: 地下车库B1, x: 300, y: 220, secret: s3cret-2 }
routes:
  - id: day-round
    name: 日间巡查
    department: security
    toleranceMin: 15
    schedule: ["09:30", "15:00"]
    checkpoints:
      - { checkpoint: cp-north-gate, offsetMin: 0 }
      - { checkpoint: cp-garage-b1,  offsetMin: 20 }
lots:
  - { id: lot-north, name: 北区地面车场, capacity: 120 }
gates:
  - { id: gate-north-in, name: 北门入口, lot: lot-north, stuckOpenSec: 120, secret: s3cret-3 }
dispensers:
  - { id: club-wc-soap, name: 会所洗手间 洗手液, consumable: soap, lowPct: 20, emptyPct: 5, secret: s3cret-4 }
sensors:
  - id: boiler-1
    name: 1号锅炉
    department: engineering
    secret: s3cret-5
    limits:
      temperature_c: { min: 40, max: 85, forSec: 30, hysteresis: 2, severity: major }
      leak: { equals: true, severity: critical }
`;

/** The problems a refused site file lists (each names the file). */
export function problemsOf(text: string): string[] {
  try {
    parseSiteConfig(text, 'sites/lakeside.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(SiteConfigError);
    expect((error as Error).message).toContain('sites/lakeside.yaml');
    return (error as SiteConfigError).problems;
  }
  throw new Error('expected the site file to be refused');
}
