// CONTRACT §1, device credentials: who may connect, publish and subscribe. Pure functions
// returning an error value (a reason) instead of throwing (STYLE: aedes).
import { timingSafeEqual } from 'node:crypto';
import { buildTopic, isUpstreamStream, parseDeviceUsername, TOPIC_ROOT, type DeviceCredential, type DeviceKind } from '@estate-watch/contracts';
import { parseTopicOnce } from '../ingest/topic-cache';
import { VerifiedSecrets } from './verified-secrets';

export type Principal =
  | { role: 'device'; site: string; device: string; kind: DeviceKind }
  | { role: 'service'; username: string };

export interface CredentialDirectory {
  /** Read on every CONNECT: a reload of the site files is in force for the next one. */
  device(siteId: string, deviceId: string): ({ kind: DeviceKind } & DeviceCredential) | undefined;
}

export interface ServiceAccount {
  username: string;
  password: string;
}

/**
 * username `{site}:{device}` and that device's secret (compared in constant time) or a secret
 * matching its `secretHash` (verified once, then remembered: verified-secrets.ts), or the
 * configured service account.
 */
export async function authenticate(
  username: string | undefined,
  password: Uint8Array | undefined,
  devices: CredentialDirectory,
  service?: ServiceAccount,
  hashed: VerifiedSecrets = new VerifiedSecrets(),
): Promise<Principal | undefined> {
  if (username === undefined || password === undefined) return undefined;
  if (service && username === service.username) {
    return sameSecret(password, service.password) ? { role: 'service', username } : undefined;
  }
  const id = parseDeviceUsername(username);
  if (!id) return undefined;
  const device = devices.device(id.site, id.device);
  if (!device) return undefined;
  if (device.secret !== undefined) {
    return sameSecret(password, device.secret) ? { role: 'device', site: id.site, device: id.device, kind: device.kind } : undefined;
  }
  if (!(await hashed.matches(username, device.secretHash, password))) return undefined;
  // A reload may have removed or re-keyed the device while argon2 ran: admit only what is still in force.
  const now = devices.device(id.site, id.device);
  if (now?.secretHash !== device.secretHash || now.kind !== device.kind) return undefined;
  return { role: 'device', site: id.site, device: id.device, kind: device.kind };
}

/** Why `principal` may not publish to `topic`, or undefined when it may. */
export function publishRefusal(principal: Principal, topic: string): string | undefined {
  const parsed = parseTopicOnce(topic);
  if (!parsed.ok) return parsed.reason;
  const t = parsed.topic;
  if (principal.role === 'service') {
    return t.stream === 'cmd' ? undefined : 'the service account publishes only cmd';
  }
  if (t.site !== principal.site || t.device !== principal.device) return `published to another device's topic (${t.site}/${t.device})`;
  if (t.kind !== principal.kind) return `"${principal.device}" is a ${principal.kind}, not a ${t.kind}`;
  if (!isUpstreamStream(t.stream)) return `devices do not publish on "${t.stream}"`;
  return undefined;
}

/** A device subscribes to its own cmd topic only; the service account to anything under estate/v1. */
export function maySubscribe(principal: Principal, filter: string): boolean {
  if (principal.role === 'service') return filter === `${TOPIC_ROOT}/#` || filter.startsWith(`${TOPIC_ROOT}/`);
  return filter === buildTopic({ site: principal.site, kind: principal.kind, device: principal.device, stream: 'cmd' });
}

function sameSecret(given: Uint8Array, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected, 'utf8');
  // Compare in constant time so a wrong secret's timing says nothing about the right one.
  return a.length === b.length && timingSafeEqual(a, b);
}
