// CONTRACT §1 — topic layout estate/v1/{site}/{kind}/{device}/{stream}
export const TOPIC_ROOT = 'estate/v1';

export const DEVICE_KINDS = ['checkpoint', 'gate', 'dispenser', 'sensor'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

export const UPSTREAM_STREAMS = ['event', 'telemetry', 'status', 'ack'] as const;
export type UpstreamStream = (typeof UPSTREAM_STREAMS)[number];
export const DOWNSTREAM_STREAMS = ['cmd'] as const;
export type DownstreamStream = (typeof DOWNSTREAM_STREAMS)[number];
export type Stream = UpstreamStream | DownstreamStream;

export const SITE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface TopicParts {
  site: string;
  kind: DeviceKind;
  device: string;
  stream: Stream;
}

export type TopicParseResult = { ok: true; topic: TopicParts } | { ok: false; reason: string };

export function buildTopic(parts: TopicParts): string {
  return `${TOPIC_ROOT}/${parts.site}/${parts.kind}/${parts.device}/${parts.stream}`;
}

/** Parses a topic; never throws. The reason says which part is wrong. */
export function parseTopic(topic: string): TopicParseResult {
  const parts = topic.split('/');
  if (parts.length !== 6 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) {
    return { ok: false, reason: `topic must be ${TOPIC_ROOT}/{site}/{kind}/{device}/{stream}` };
  }
  const [, , site, kind, device, stream] = parts as [string, string, string, string, string, string];
  if (!SITE_ID_PATTERN.test(site)) return { ok: false, reason: `bad site id "${site}"` };
  if (!isDeviceKind(kind)) return { ok: false, reason: `unknown kind "${kind}"` };
  if (!DEVICE_ID_PATTERN.test(device)) return { ok: false, reason: `bad device id "${device}"` };
  if (!isStream(stream)) return { ok: false, reason: `unknown stream "${stream}"` };
  return { ok: true, topic: { site, kind, device, stream } };
}

export function isDeviceKind(value: string): value is DeviceKind {
  return (DEVICE_KINDS as readonly string[]).includes(value);
}

export function isUpstreamStream(value: string): value is UpstreamStream {
  return (UPSTREAM_STREAMS as readonly string[]).includes(value);
}

function isStream(value: string): value is Stream {
  return isUpstreamStream(value) || value === 'cmd';
}

/** MQTT username of a device: `{site}:{device}` (CONTRACT §1, device credentials). */
export function deviceUsername(site: string, device: string): string {
  return `${site}:${device}`;
}

export function parseDeviceUsername(username: string): { site: string; device: string } | undefined {
  const colon = username.indexOf(':');
  if (colon < 0) return undefined;
  const site = username.slice(0, colon);
  const device = username.slice(colon + 1);
  if (!SITE_ID_PATTERN.test(site) || !DEVICE_ID_PATTERN.test(device)) return undefined;
  return { site, device };
}

/** QoS the contract asks for on each stream; telemetry may also be 0. */
export const STREAM_QOS: Record<Stream, 0 | 1> = { event: 1, telemetry: 1, status: 1, ack: 1, cmd: 1 };
