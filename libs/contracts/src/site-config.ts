// CONTRACT §2 — one site a YAML file. Errors name the file, the path inside it and the problem.
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { AlertType } from './alerts';
import { metricRecord } from './payloads';
import { checkDepartments, checkRoutingKeys } from './site-departments';
import { formatSiteIssue, strictObject } from './strict-object';
import { DEVICE_ID_PATTERN, SITE_ID_PATTERN } from './topics';

/**
 * A department is the site's own (CONTRACT §2: the five of the example are an example): any id
 * the site file defines. Everything that names one is checked against the site, not a fixed list.
 */
export type DepartmentId = string;
/** Printable, no spaces or control characters: it appears in URLs, filters and timelines. */
export const DEPARTMENT_ID_PATTERN = /^[^\s\p{C}]{1,32}$/u;
export const DepartmentIdSchema = z.string().regex(DEPARTMENT_ID_PATTERN, '1–32 characters, no spaces');
/** Which department a route's or sensor's alerts go to when the site file names none (§2 example, §4). */
export const DEFAULT_ROUTE_DEPARTMENT = 'security';
export const DEFAULT_SENSOR_DEPARTMENT = 'engineering';
export const CONSUMABLES = ['paper_towel', 'toilet_paper', 'soap', 'sanitizer', 'shoe_cover'] as const;
export const SEVERITIES = ['info', 'minor', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

const id = z.string().regex(DEVICE_ID_PATTERN, 'must match [A-Za-z0-9][A-Za-z0-9_-]{0,63}');
const name = z.string().min(1).max(100);
const secret = z.string().min(6, 'device secret must be at least 6 characters').max(128).optional();
/**
 * A device's secret as an argon2 PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) instead of
 * the secret itself, so a copy of the site file does not give the device's password away. A device
 * has exactly one of `secret` and `secretHash` (checkCredentials).
 */
const secretHash = z
  .string()
  .max(512)
  .regex(/^\$argon2(id|i|d)\$(v=\d+\$)?m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/, 'must be an argon2 hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash)')
  .optional();
const minutes = z.number().int().nonnegative();
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be "HH:MM" (00:00–23:59)');
const pct = z.number().min(0).max(100);

const SiteSchema = strictObject({
  id: z.string().regex(SITE_ID_PATTERN, 'must match [a-z0-9][a-z0-9-]{0,31}'),
  name,
  timezone: z.string().refine(isTimeZone, 'not an IANA time zone (e.g. Asia/Shanghai)'),
  heartbeatSec: z.number().int().min(5).max(3600).default(60),
});

const DepartmentSchema = strictObject({
  id: DepartmentIdSchema,
  name,
  sla: strictObject({ acceptMin: minutes.min(1), resolveMin: minutes.min(1) }),
});

const GuardSchema = strictObject({
  id,
  name,
  card: z.string().regex(/^[0-9A-F]{8,20}$/, 'NFC UID: 8–20 upper-case hex chars'),
});

const CheckpointSchema = strictObject({ id, name, x: z.number(), y: z.number(), secret, secretHash });
/** Where a gate, dispenser or sensor sits on the site plan (same units as checkpoints' x/y); optional: unplaced devices are listed beside the plan. */
const place = { x: z.number().optional(), y: z.number().optional() };

/**
 * The estate drawn (issue 12 point 6): an SVG or raster image, its path relative to the site file,
 * and the size of its coordinate space (the SVG's viewBox, the image's pixels) that every x/y uses.
 */
const PlanSchema = strictObject({
  image: z.string().min(1).max(255).regex(/\.(svg|png|jpe?g|webp)$/i, 'an .svg, .png, .jpg or .webp file, relative to the site file'),
  width: z.number().positive(),
  height: z.number().positive(),
});

const RouteSchema = strictObject({
  id,
  name,
  department: DepartmentIdSchema.default(DEFAULT_ROUTE_DEPARTMENT),
  toleranceMin: minutes.max(720).default(15),
  schedule: z.array(hhmm).min(1),
  checkpoints: z.array(strictObject({ checkpoint: z.string(), offsetMin: minutes.max(1440) })).min(1),
  /** Guards (ids of `guards`) who walk this route; their phone page shows its rounds. Absent: any guard of the site. */
  guards: z.array(z.string()).optional(),
});

const LotSchema = strictObject({ id, name, capacity: z.number().int().positive() });
const GateSchema = strictObject({ id, name, lot: z.string(), stuckOpenSec: z.number().int().positive().default(120), secret, secretHash, ...place });

const DispenserSchema = strictObject({ id, name, consumable: z.enum(CONSUMABLES), lowPct: pct.default(20), emptyPct: pct.default(5), secret, secretHash, ...place })
  .refine((d) => d.emptyPct < d.lowPct, { message: 'emptyPct must be below lowPct', path: ['emptyPct'] });

const LimitSchema = strictObject({
    min: z.number().optional(),
    max: z.number().optional(),
    equals: z.union([z.boolean(), z.number()]).optional(),
    forSec: z.number().nonnegative().default(0),
    hysteresis: z.number().nonnegative().default(0),
    severity: z.enum(SEVERITIES).default('major'),
    /** The limit's own name per language (issue 12.3): the title of the alert it raises. */
    label: strictObject({ 'zh-CN': name.optional(), en: name.optional() })
      .refine((l) => l['zh-CN'] !== undefined || l.en !== undefined, 'a label needs zh-CN, en or both')
      .optional(),
  })
  .refine((l) => l.min !== undefined || l.max !== undefined || l.equals !== undefined, 'a limit needs min, max or equals')
  .refine((l) => l.min === undefined || l.max === undefined || l.min < l.max, 'min must be below max');

const SensorSchema = strictObject({
  id,
  name,
  department: DepartmentIdSchema.default(DEFAULT_SENSOR_DEPARTMENT),
  secret,
  secretHash,
  limits: metricRecord(LimitSchema).default({}),
  ...place,
});

/** `routing: { gate.fault: maintenance }` — alert type → the site's own department (CONTRACT §2). */
const RoutingSchema = z
  .record(z.string(), DepartmentIdSchema)
  .superRefine(checkRoutingKeys)
  .transform((r) => r as Partial<Record<AlertType, DepartmentId>>);

export const SiteConfigSchema = strictObject({
    site: SiteSchema,
    plan: PlanSchema.optional(),
    departments: z.array(DepartmentSchema).min(1),
    routing: RoutingSchema.default({}),
    guards: z.array(GuardSchema).default([]),
    checkpoints: z.array(CheckpointSchema).default([]),
    routes: z.array(RouteSchema).default([]),
    lots: z.array(LotSchema).default([]),
    gates: z.array(GateSchema).default([]),
    dispensers: z.array(DispenserSchema).default([]),
    sensors: z.array(SensorSchema).default([]),
  })
  .superRefine(checkReferences);

export type SiteConfig = z.infer<typeof SiteConfigSchema>;
export type SiteRoute = SiteConfig['routes'][number];
export type SensorLimit = SiteConfig['sensors'][number]['limits'][string];

function checkReferences(cfg: z.infer<z.ZodObject<any>> & Record<string, any>, ctx: z.RefinementCtx): void {
  const c = cfg as unknown as SiteConfig;
  const fail = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  const checkpointIds = new Set(c.checkpoints.map((cp) => cp.id));
  const lotIds = new Set(c.lots.map((l) => l.id));

  // Device ids share one namespace per site: they are MQTT usernames (CONTRACT §1).
  const seen = new Map<string, string>();
  for (const key of ['checkpoints', 'gates', 'dispensers', 'sensors'] as const) {
    c[key].forEach((device, i) => {
      const first = seen.get(device.id);
      if (first) fail([key, i, 'id'], `device id "${device.id}" is already used by ${first}`);
      else seen.set(device.id, `${key}[${i}]`);
      // CONTRACT §1: the MQTT password is checked against exactly one of them.
      if ((device.secret === undefined) === (device.secretHash === undefined)) {
        fail([key, i, device.secret === undefined ? 'secret' : 'secretHash'], 'give exactly one of secret and secretHash');
      }
    });
  }
  uniqueIds(c.departments, 'departments', fail);
  uniqueIds(c.routes, 'routes', fail);
  uniqueIds(c.lots, 'lots', fail);
  uniqueIds(c.guards, 'guards', fail);
  const cards = new Map<string, number>();
  c.guards.forEach((g, i) => {
    if (cards.has(g.card)) fail(['guards', i, 'card'], `card ${g.card} is already guards[${cards.get(g.card)}]'s`);
    else cards.set(g.card, i);
  });

  checkDepartments(c, fail);
  const guardIds = new Set(c.guards.map((g) => g.id));
  c.routes.forEach((route, r) => {
    route.guards?.forEach((g, i) => {
      if (!guardIds.has(g)) fail(['routes', r, 'guards', i], `no guard "${g}" (guards: ${[...guardIds].join(', ') || 'none'})`);
    });
    route.checkpoints.forEach((stop, s) => {
      if (!checkpointIds.has(stop.checkpoint)) fail(['routes', r, 'checkpoints', s, 'checkpoint'], `no checkpoint "${stop.checkpoint}"`);
      const prev = route.checkpoints[s - 1];
      if (prev && stop.offsetMin < prev.offsetMin) fail(['routes', r, 'checkpoints', s, 'offsetMin'], 'offsets must not decrease along the route');
    });
    const visits = new Set<string>();
    route.checkpoints.forEach((stop, s) => {
      if (visits.has(stop.checkpoint)) fail(['routes', r, 'checkpoints', s, 'checkpoint'], `checkpoint "${stop.checkpoint}" appears twice in this route`);
      visits.add(stop.checkpoint);
    });
    if (new Set(route.schedule).size !== route.schedule.length) fail(['routes', r, 'schedule'], 'a start time is listed twice');
  });
  c.gates.forEach((gate, i) => {
    if (!lotIds.has(gate.lot)) fail(['gates', i, 'lot'], `no lot "${gate.lot}"`);
  });
  for (const key of ['gates', 'dispensers', 'sensors'] as const) {
    c[key].forEach((device, i) => {
      if ((device.x === undefined) !== (device.y === undefined)) fail([key, i, device.x === undefined ? 'x' : 'y'], 'give both x and y, or neither');
    });
  }
}

function uniqueIds(items: { id: string }[], key: string, fail: (path: (string | number)[], message: string) => void): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    if (first.has(item.id)) fail([key, i, 'id'], `"${item.id}" is already ${key}[${first.get(item.id)}]`);
    else first.set(item.id, i);
  });
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export class SiteConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems\n  ${problems.join('\n  ')}`}`);
    this.name = 'SiteConfigError';
  }
}

/** Parses one site file's text. Throws SiteConfigError naming file, path and problem. */
export function parseSiteConfig(text: string, file: string): SiteConfig {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new SiteConfigError(file, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  }
  const parsed = SiteConfigSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new SiteConfigError(file, parsed.error.issues.flatMap(formatSiteIssue));
  }
  return parsed.data;
}

/** A device's credential: its secret, or an argon2 hash of it (exactly one). */
export type DeviceCredential = { secret: string; secretHash?: undefined } | { secret?: undefined; secretHash: string };

/** Every device of a site with its kind and credential, for credentials and the device list. */
export function siteDevices(cfg: SiteConfig): ({ id: string; name: string; kind: 'checkpoint' | 'gate' | 'dispenser' | 'sensor' } & DeviceCredential)[] {
  const credential = (d: { secret?: string; secretHash?: string }): DeviceCredential =>
    d.secret !== undefined ? { secret: d.secret } : { secretHash: d.secretHash as string };
  return [
    ...cfg.checkpoints.map((d) => ({ id: d.id, name: d.name, kind: 'checkpoint' as const, ...credential(d) })),
    ...cfg.gates.map((d) => ({ id: d.id, name: d.name, kind: 'gate' as const, ...credential(d) })),
    ...cfg.dispensers.map((d) => ({ id: d.id, name: d.name, kind: 'dispenser' as const, ...credential(d) })),
    ...cfg.sensors.map((d) => ({ id: d.id, name: d.name, kind: 'sensor' as const, ...credential(d) })),
  ];
}
