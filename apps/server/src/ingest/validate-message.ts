// Step 1 of the path of one message: topic → device → payload. Pure: returns a verdict, never throws.
import { parseDevicePayload, isUpstreamStream, type DeviceKind } from '@estate-watch/contracts';
import type { DeviceIdentity, IncomingMessage, ValidMessage } from './incoming-message';
import { parseTopicOnce } from './topic-cache';

export interface DeviceDirectory {
  device(siteId: string, deviceId: string): { kind: DeviceKind } | undefined;
}

export type Verdict =
  | { decision: 'accept'; message: ValidMessage }
  /** `claimed` undefined: nothing in the message names a device (a topic outside the layout). */
  | { decision: 'reject'; claimed?: DeviceIdentity; reason: string }
  | { decision: 'ignore' };

export function validateMessage(incoming: IncomingMessage, devices: DeviceDirectory, receivedAt: Date): Verdict {
  const parsed = parseTopicOnce(incoming.topic);
  if (!parsed.ok) return { decision: 'reject', claimed: incoming.publisher, reason: parsed.reason };
  const { site, kind, device, stream } = parsed.topic;
  const claimed = incoming.publisher ?? { site, device };

  if (!isUpstreamStream(stream)) {
    // Through an external broker the server also hears its own commands; a device may never send one.
    if (!incoming.publisher) return { decision: 'ignore' };
    return { decision: 'reject', claimed, reason: `devices do not publish on "${stream}"` };
  }
  if (incoming.publisher && (incoming.publisher.site !== site || incoming.publisher.device !== device)) {
    return { decision: 'reject', claimed, reason: `published to another device's topic (${site}/${device})` };
  }
  const known = devices.device(site, device);
  if (!known) return { decision: 'reject', claimed, reason: `unknown device "${device}" in site "${site}"` };
  if (known.kind !== kind) return { decision: 'reject', claimed, reason: `"${device}" is a ${known.kind}, not a ${kind}` };

  const payload = parseDevicePayload(kind, stream, incoming.payload, receivedAt);
  if (!payload.ok) return { decision: 'reject', claimed, reason: payload.reason };
  return {
    decision: 'accept',
    message: {
      siteId: site,
      deviceId: device,
      kind,
      stream,
      msgId: payload.lastWill ? undefined : payload.payload.id,
      payload: payload.payload as Record<string, unknown>,
      observedAt: payload.observedAt,
      receivedAt,
      lastWill: payload.lastWill,
    },
  };
}
