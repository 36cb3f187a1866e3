import { describe, expect, it } from 'vitest';
import { parseSiteConfig, siteDevices } from './site-config';

/** argon2id of "s3cret-5-long-enough" (format only: parsing does not verify it). */
const HASH = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$Vb8C3X3cXoiVZ3TC0rWCqSG4xJ0QKp2Sx5iVjH8M6rk';
import { example, problemsOf } from './site-config.testing';

describe(parseSiteConfig.name, () => {
  it('reads the example of CONTRACT §2 with its defaults', () => {
    const cfg = parseSiteConfig(example, 'example.yaml');
    expect(cfg.site).toEqual({ id: 'lakeside', name: '湖畔花园', timezone: 'Asia/Shanghai', heartbeatSec: 60 });
    expect(cfg.routes[0]!.checkpoints.map((c) => c.checkpoint)).toEqual(['cp-north-gate', 'cp-garage-b1']);
    expect(cfg.sensors[0]!.limits['leak']).toEqual({ equals: true, severity: 'critical', forSec: 0, hysteresis: 0 });
    expect(cfg.gates[0]!.stuckOpenSec).toBe(120);
  });

  it('reads a limit\'s own name per language (issue 12.3)', () => {
    const cfg = parseSiteConfig(example.replace('leak: { equals: true, severity: critical }', 'leak: { equals: true, severity: critical, label: { zh-CN: 水泵房漏水, en: Pump room flooding } }'), 'x.yaml');
    expect(cfg.sensors[0]!.limits['leak']!.label).toEqual({ 'zh-CN': '水泵房漏水', en: 'Pump room flooding' });
  });

  it('defaults toleranceMin to 15 and heartbeatSec to 60', () => {
    const cfg = parseSiteConfig(example.replace('    toleranceMin: 15\n', '').replace(', heartbeatSec: 60', ''), 'x.yaml');
    expect(cfg.routes[0]!.toleranceMin).toBe(15);
    expect(cfg.site.heartbeatSec).toBe(60);
  });

  it('takes an argon2 secretHash in place of a secret', () => {
    const cfg = parseSiteConfig(example.replace('secret: s3cret-5', `secretHash: '${HASH}'`), 'x.yaml');
    const boiler = siteDevices(cfg).find((d) => d.id === 'boiler-1');
    expect(boiler).toMatchObject({ secretHash: HASH });
    expect(boiler?.secret).toBeUndefined();
  });

  // Each problem names the path inside the file and what is wrong.
  it.each([
    { name: 'unknown checkpoint in a route', edit: (t: string) => t.replace('{ checkpoint: cp-garage-b1,', '{ checkpoint: cp-x,'), problem: 'routes[0].checkpoints[1].checkpoint: no checkpoint "cp-x"' },
    { name: 'gate on an unknown lot', edit: (t: string) => t.replace('lot: lot-north,', 'lot: lot-south,'), problem: 'gates[0].lot: no lot "lot-south"' },
    { name: 'bad time zone', edit: (t: string) => t.replace('Asia/Shanghai', 'Asia/Beijing'), problem: 'site.timezone: not an IANA time zone' },
    { name: 'bad site id', edit: (t: string) => t.replace('id: lakeside', 'id: Lakeside'), problem: 'site.id: must match' },
    { name: 'schedule not HH:MM', edit: (t: string) => t.replace('"15:00"', '"25:00"'), problem: 'routes[0].schedule[1]: must be "HH:MM"' },
    { name: 'department id with a space', edit: (t: string) => t.replace('id: service,', 'id: "customer service",'), problem: 'departments[4].id: 1–32 characters, no spaces' },
    { name: 'route on a department the site lacks', edit: (t: string) => t.replace('department: security', 'department: patrol'), problem: 'routes[0].department: no department "patrol"' },
    { name: 'unknown consumable', edit: (t: string) => t.replace('consumable: soap', 'consumable: towel'), problem: 'dispensers[0].consumable' },
    { name: 'emptyPct above lowPct', edit: (t: string) => t.replace('emptyPct: 5', 'emptyPct: 30'), problem: 'dispensers[0].emptyPct: emptyPct must be below lowPct' },
    { name: 'duplicate device id across kinds', edit: (t: string) => t.replace('id: club-wc-soap', 'id: cp-north-gate'), problem: 'dispensers[0].id: device id "cp-north-gate" is already used by checkpoints[0]' },
    { name: 'guard card lower-case', edit: (t: string) => t.replace('04A1B2C3D4E5F6', '04a1b2c3d4e5f6'), problem: 'guards[0].card: NFC UID' },
    { name: 'limit with nothing to check', edit: (t: string) => t.replace('leak: { equals: true, severity: critical }', 'leak: { severity: critical }'), problem: 'sensors[0].limits.leak: a limit needs min, max or equals' },
    { name: 'min above max', edit: (t: string) => t.replace('min: 40, max: 85', 'min: 90, max: 85'), problem: 'sensors[0].limits.temperature_c: min must be below max' },
    { name: 'bad metric name', edit: (t: string) => t.replace('temperature_c:', 'Temperature:'), problem: 'sensors[0].limits.Temperature: metric name "Temperature" must match' },
    { name: 'limit label in an unknown language', edit: (t: string) => t.replace('leak: { equals: true, severity: critical }', 'leak: { equals: true, label: { zh: 漏水 } }'), problem: 'sensors[0].limits.leak.label.zh: unknown key' },
    { name: 'empty limit label', edit: (t: string) => t.replace('leak: { equals: true, severity: critical }', 'leak: { equals: true, label: {} }'), problem: 'sensors[0].limits.leak.label: a label needs zh-CN, en or both' },
    { name: 'short secret', edit: (t: string) => t.replace('secret: s3cret-1', 'secret: s1'), problem: 'checkpoints[0].secret: device secret must be at least 6 characters' },
    { name: 'both secret and secretHash', edit: (t: string) => t.replace('secret: s3cret-1', `secret: s3cret-1, secretHash: '${HASH}'`), problem: 'checkpoints[0].secretHash: give exactly one of secret and secretHash' },
    { name: 'neither secret nor secretHash', edit: (t: string) => t.replace(', secret: s3cret-3', ''), problem: 'gates[0].secret: give exactly one of secret and secretHash' },
    { name: 'secretHash not argon2', edit: (t: string) => t.replace('secret: s3cret-4', 'secretHash: "$2b$10$abcdefghijklmnopqrstuv"'), problem: 'dispensers[0].secretHash: must be an argon2 hash' },
    { name: 'offsets going backwards', edit: (t: string) => t.replace('offsetMin: 20', 'offsetMin: -5'), problem: 'routes[0].checkpoints[1].offsetMin' },
    { name: 'missing departments', edit: (t: string) => t.replace(/departments:[\s\S]*?guards:/, 'guards:'), problem: 'departments:' },
    { name: 'YAML syntax', edit: (t: string) => t.replace('site: {', 'site: {{'), problem: 'YAML:' },
    { name: 'duplicate key', edit: (t: string) => t.replace('guards:', 'lots: []\nguards:'), problem: 'YAML:' },
  ])('$name → $problem', ({ edit, problem }) => {
    const problems = problemsOf(edit(example));
    expect(problems.some((p) => p.startsWith(problem) || p.includes(problem))).toBe(true);
  });
});
