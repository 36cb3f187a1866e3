// Issue 13 point 5 — what a reload of the site files changes, as data: the broker disconnects the
// devices it names, the audit entry and the admin's answer list it. Pure: no I/O, no clock.
// Never carries a secret or a hash: only that one changed.
import { isDeepStrictEqual } from 'node:util';
import type { SiteConfig } from '@estate-watch/contracts';

export const DEVICE_SECTIONS = ['checkpoints', 'gates', 'dispensers', 'sensors'] as const;
export type DeviceSection = (typeof DEVICE_SECTIONS)[number];

export type ChangeSection = 'site' | 'departments' | 'routing' | 'guards' | 'routes' | 'lots' | DeviceSection | 'limits';

/**
 * One thing that changed. `rekeyed`: a device's secret or secretHash changed (its live connection
 * is cut); `changed`: anything else about it. A device moved to another kind under the same id is
 * `removed` from one section and `added` to the other.
 */
export interface SiteChange {
  siteId: string;
  section: ChangeSection;
  /** The item's id; for a limit `{sensor}.{metric}`; for `site` and `routing` the site id. */
  id: string;
  change: 'added' | 'removed' | 'changed' | 'rekeyed';
}

export interface SitesDiff {
  changes: SiteChange[];
  addedSites: string[];
  removedSites: string[];
}

/** A device that must lose its live connection: removed, moved to another kind, or re-keyed. */
export interface EvictedDevice {
  siteId: string;
  deviceId: string;
  why: 'removed' | 'rekeyed';
}

type Item = { id: string } & Record<string, unknown>;

export function diffSites(before: readonly SiteConfig[], after: readonly SiteConfig[]): SitesDiff {
  const old = new Map(before.map((s) => [s.site.id, s]));
  const now = new Map(after.map((s) => [s.site.id, s]));
  const diff: SitesDiff = { changes: [], addedSites: [], removedSites: [] };
  for (const id of old.keys()) if (!now.has(id)) diff.removedSites.push(id);
  for (const [id, cfg] of now) {
    const was = old.get(id);
    if (was) diff.changes.push(...diffSite(was, cfg));
    else {
      diff.addedSites.push(id);
      diff.changes.push(...diffSite(emptySite(cfg), cfg));
    }
  }
  return diff;
}

/** Devices to disconnect at once; a device both removed and re-added under another kind is listed once. */
export function evictedDevices(diff: SitesDiff): EvictedDevice[] {
  const out = new Map<string, EvictedDevice>();
  for (const c of diff.changes) {
    if (!(DEVICE_SECTIONS as readonly string[]).includes(c.section)) continue;
    if (c.change !== 'removed' && c.change !== 'rekeyed') continue;
    out.set(`${c.siteId}/${c.id}`, { siteId: c.siteId, deviceId: c.id, why: c.change });
  }
  return [...out.values()];
}

function diffSite(was: SiteConfig, cfg: SiteConfig): SiteChange[] {
  const siteId = cfg.site.id;
  const changes: SiteChange[] = [];
  if (!isDeepStrictEqual(was.site, cfg.site)) changes.push({ siteId, section: 'site', id: siteId, change: 'changed' });
  if (!isDeepStrictEqual(was.routing, cfg.routing)) changes.push({ siteId, section: 'routing', id: siteId, change: 'changed' });
  for (const section of ['departments', 'guards', 'routes', 'lots'] as const) {
    changes.push(...diffItems(siteId, section, was[section] as Item[], cfg[section] as Item[], sameItem));
  }
  for (const section of DEVICE_SECTIONS) {
    changes.push(...diffItems(siteId, section, was[section] as Item[], cfg[section] as Item[], sameDevice));
  }
  // Limits of sensors kept: a sensor added or removed says so itself.
  const wasSensors = new Map(was.sensors.map((s) => [s.id, s]));
  for (const sensor of cfg.sensors) {
    const before = wasSensors.get(sensor.id);
    if (!before) continue;
    const limits = (l: typeof sensor.limits) => Object.entries(l).map(([metric, limit]) => ({ id: `${sensor.id}.${metric}`, ...limit }) as Item);
    changes.push(...diffItems(siteId, 'limits', limits(before.limits), limits(sensor.limits), sameItem));
  }
  return changes;
}

function diffItems(siteId: string, section: ChangeSection, before: Item[], after: Item[], same: (a: Item, b: Item) => 'same' | 'changed' | 'rekeyed'): SiteChange[] {
  const old = new Map(before.map((i) => [i.id, i]));
  const ids = new Set(after.map((i) => i.id));
  const out: SiteChange[] = [];
  for (const item of after) {
    const was = old.get(item.id);
    const change = was ? same(was, item) : 'added';
    if (change !== 'same') out.push({ siteId, section, id: item.id, change });
  }
  for (const item of before) if (!ids.has(item.id)) out.push({ siteId, section, id: item.id, change: 'removed' });
  return out;
}

function sameItem(a: Item, b: Item): 'same' | 'changed' {
  return isDeepStrictEqual(a, b) ? 'same' : 'changed';
}

/** A new secret, or a new hash (even of the same secret: nobody can tell), is a re-key; limits are diffed apart. */
function sameDevice(a: Item, b: Item): 'same' | 'changed' | 'rekeyed' {
  if (a['secret'] !== b['secret'] || a['secretHash'] !== b['secretHash']) return 'rekeyed';
  const rest = ({ secret: _s, secretHash: _h, limits: _l, ...other }: Item) => other;
  return isDeepStrictEqual(rest(a), rest(b)) ? 'same' : 'changed';
}

function emptySite(cfg: SiteConfig): SiteConfig {
  return { ...cfg, departments: [], guards: [], routes: [], lots: [], checkpoints: [], gates: [], dispensers: [], sensors: [] };
}
