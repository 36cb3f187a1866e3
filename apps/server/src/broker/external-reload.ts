// Behind MQTT_URL, a reload of the site files (sites/site-reload.service.ts) reaches the external
// broker in two ways: this server's shard connections subscribe the devices added and drop the
// removed (ExternalBroker.replaceDevices), and, unless MQTT_DYNSEC=off, the broker's
// dynamic-security users follow the site files (dynsec.ts): an added device may log in at once,
// a removed or re-keyed one is disconnected at once and its old secret refused.
import type { Logger } from '@nestjs/common';
import { DEVICE_SECTIONS, type SitesDiff } from '../sites/site-diff';
import type { SiteDevice } from '../sites/sites.service';
import { runDynsec, type DynsecConnection } from './dynsec-admin';
import { dynsecChanges } from './dynsec';

type DeviceRef = { siteId: string; id: string };
import type { ExternalBroker } from './external-broker';

/** Devices to cut off (removed, or gone from a section) and to (re)create (added, re-keyed, or moved to another kind). */
export function deviceChanges(diff: SitesDiff, device: (siteId: string, id: string) => SiteDevice | undefined): { removed: DeviceRef[]; added: SiteDevice[] } {
  const removed = new Map<string, DeviceRef>();
  const added = new Map<string, SiteDevice>();
  for (const c of diff.changes) {
    if (!(DEVICE_SECTIONS as readonly string[]).includes(c.section)) continue;
    const now = device(c.siteId, c.id);
    const key = `${c.siteId}/${c.id}`;
    if (c.change === 'removed' && !now) removed.set(key, { siteId: c.siteId, id: c.id });
    else if ((c.change === 'added' || c.change === 'rekeyed' || c.change === 'removed') && now) added.set(key, now);
  }
  return { removed: [...removed.values()], added: [...added.values()] };
}

export async function reloadExternalBroker(
  broker: ExternalBroker,
  diff: SitesDiff,
  sites: { allDevices(): SiteDevice[]; device(siteId: string, id: string): SiteDevice | undefined },
  dynsec: DynsecConnection | undefined,
  logger: Pick<Logger, 'log' | 'warn' | 'error'>,
): Promise<void> {
  const { removed, added } = deviceChanges(diff, (siteId, id) => sites.device(siteId, id));
  if (removed.length === 0 && added.length === 0) return;
  const subs = await broker.replaceDevices(sites.allDevices());
  logger.log(`site files reloaded: ${subs.subscribed} device filter(s) subscribed, ${subs.unsubscribed} unsubscribed on this server's shards`);
  if (!dynsec) {
    logger.warn(`site files reloaded with MQTT_DYNSEC=off: the MQTT_URL broker's own users must change too (deploy/mosquitto) for ${removed.length + added.length} device(s)`);
    return;
  }
  const { commands, withoutSecret } = dynsecChanges(removed, added, (d) => (d as SiteDevice).secret);
  for (const d of withoutSecret) {
    logger.error(`${d.siteId}:${d.id} has only a secretHash: the MQTT_URL broker hashes secrets itself and cannot be given it; it cannot log in there until its site file gives the secret`);
  }
  try {
    const failures = await runDynsec(dynsec, commands);
    for (const f of failures) logger.error(`MQTT_URL broker refused ${f.command} ${f.subject}: ${f.error}`);
    logger.log(`site files reloaded: the MQTT_URL broker's users follow (${removed.length} removed, ${added.length - withoutSecret.length} added or re-keyed${failures.length ? `, ${failures.length} refused` : ''})`);
  } catch (error) {
    logger.error(`site files reloaded, but the MQTT_URL broker's users could not be changed: ${(error as Error).message}`);
  }
}
