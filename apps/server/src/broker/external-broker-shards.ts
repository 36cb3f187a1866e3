// Which of the server's connections to an external broker consumes which device.
//
// MQTT.js hands one connection's messages over one at a time, each waiting for its commit before
// its PUBACK, so a single connection commits one message at a time. Several connections feed the
// grouped commit concurrently; a device stays on one connection, so its messages are still
// committed in the order the broker delivered them (the broker keeps per-topic order on one
// subscription, [MQTT-4.6.0-5]). A shared subscription would spread a device over connections
// and lose that order.
import { TOPIC_ROOT, type DeviceKind } from '@estate-watch/contracts';

/** A configured device, as SitesService.allDevices() lists it. */
export interface ConsumedDevice {
  siteId: string;
  kind: DeviceKind;
  id: string;
}

/**
 * Filters per SUBSCRIBE. One SUBSCRIBE carries many filters, but the broker refuses a packet
 * over its max_packet_size (16 KiB in deploy/mosquitto): a filter is at most ~125 bytes
 * (site ≤ 32, device ≤ 64 characters, CONTRACT §1), so 64 stay near 8 KiB.
 */
export const FILTERS_PER_SUBSCRIBE = 64;

/**
 * The connection of a device: FNV-1a of `${site}/${device}`, modulo `shards`. Stable across
 * restarts and processes, so a device keeps its connection and with it the persistent session
 * that queued its messages while the server was away.
 */
export function shardOf(siteId: string, deviceId: string, shards: number): number {
  return fnv1a32(`${siteId}/${deviceId}`) % shards;
}

/** FNV-1a, 32 bit, of an ASCII string (site and device ids are ASCII, CONTRACT §1). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Every stream of one device: estate/v1/{site}/{kind}/{device}/+ (its own cmd comes back as `ignored`). */
export function deviceFilter(device: ConsumedDevice): string {
  return `${TOPIC_ROOT}/${device.siteId}/${device.kind}/${device.id}/+`;
}

/** The subscription filters of each of `shards` connections, in batches of one SUBSCRIBE each. */
export function shardSubscriptions(devices: readonly ConsumedDevice[], shards: number): string[][][] {
  const filters: string[][] = Array.from({ length: shards }, () => []);
  for (const device of devices) filters[shardOf(device.siteId, device.id, shards)]?.push(deviceFilter(device));
  return filters.map((own) => batches(own, FILTERS_PER_SUBSCRIBE));
}

/** `items` in runs of at most `size`, order kept (one SUBSCRIBE or UNSUBSCRIBE each). */
export function batches<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
