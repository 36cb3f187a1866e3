// Mosquitto's dynamic security plugin (deploy/mosquitto), from the site files: one user and one
// role per device, the role naming the device's own topics (CONTRACT §1). deploy/mosquitto writes
// the whole file from these; behind MQTT_URL a reload of the site files sends the changes to the
// running broker as plugin commands (`$CONTROL/dynamic-security/v1`), so a device added can log in
// and one removed or re-keyed is cut off at once, as on the embedded broker.
import { buildTopic, TOPIC_ROOT, UPSTREAM_STREAMS, type DeviceKind } from '@estate-watch/contracts';

export const DYNSEC_TOPIC = '$CONTROL/dynamic-security/v1';
export const DYNSEC_RESPONSE_TOPIC = `${DYNSEC_TOPIC}/response`;
/** The server's role: every device topic in, every `cmd` out, and the plugin's commands (reloads). */
export const SERVER_ROLE = 'estate-watch-server';

export interface DynsecAcl {
  acltype: 'publishClientSend' | 'publishClientReceive' | 'subscribePattern' | 'unsubscribePattern';
  topic: string;
  allow: boolean;
}

export interface DynsecRole {
  rolename: string;
  acls: DynsecAcl[];
}

/** A device as the broker knows it: its user name is `{site}:{device}`. */
export interface DynsecDevice {
  siteId: string;
  id: string;
  kind: DeviceKind;
  name: string;
}

export const deviceUsername = (d: Pick<DynsecDevice, 'siteId' | 'id'>) => `${d.siteId}:${d.id}`;
export const deviceRolename = (d: Pick<DynsecDevice, 'siteId' | 'id'>) => `device:${d.siteId}:${d.id}`;

/** May publish its own upstream streams and subscribe to its own `cmd`; nothing else (deny by default). */
export function deviceRole(d: DynsecDevice): DynsecRole {
  const topic = (stream: (typeof UPSTREAM_STREAMS)[number] | 'cmd') => buildTopic({ site: d.siteId, kind: d.kind, device: d.id, stream });
  return {
    rolename: deviceRolename(d),
    acls: [
      ...UPSTREAM_STREAMS.map((stream): DynsecAcl => ({ acltype: 'publishClientSend', topic: topic(stream), allow: true })),
      { acltype: 'subscribePattern', topic: topic('cmd'), allow: true },
    ],
  };
}

export function serverRole(): DynsecRole {
  return {
    rolename: SERVER_ROLE,
    acls: [
      { acltype: 'subscribePattern', topic: `${TOPIC_ROOT}/#`, allow: true },
      { acltype: 'publishClientSend', topic: `${TOPIC_ROOT}/+/+/+/cmd`, allow: true },
      // keeps the broker's users in step with the site files on a reload
      { acltype: 'publishClientSend', topic: DYNSEC_TOPIC, allow: true },
      { acltype: 'subscribePattern', topic: DYNSEC_RESPONSE_TOPIC, allow: true },
      { acltype: 'publishClientReceive', topic: DYNSEC_RESPONSE_TOPIC, allow: true },
    ],
  };
}

export type DynsecCommand = Record<string, unknown> & { command: string };

/**
 * The plugin commands that bring the broker from the old devices to the new. Every device removed,
 * re-keyed, moved to another kind or added loses its user and role first (deleting a user
 * disconnects it at once; for an added one this clears whatever a stale broker file held), then
 * every one still configured (`added`: added, re-keyed, moved) is created again with its secret
 * (the plugin hashes it itself). `secretOf` answers undefined for a device that has only a
 * `secretHash`: the broker cannot be given it, and it is listed in `withoutSecret`.
 */
export function dynsecChanges(
  removed: readonly Pick<DynsecDevice, 'siteId' | 'id'>[],
  added: readonly DynsecDevice[],
  secretOf: (d: DynsecDevice) => string | undefined,
): { commands: DynsecCommand[]; withoutSecret: DynsecDevice[] } {
  const commands: DynsecCommand[] = [];
  const gone = new Map([...removed, ...added].map((d) => [deviceUsername(d), d]));
  for (const d of gone.values()) {
    commands.push({ command: 'deleteClient', username: deviceUsername(d) }, { command: 'deleteRole', rolename: deviceRolename(d) });
  }
  const withoutSecret: DynsecDevice[] = [];
  for (const d of added) {
    const secret = secretOf(d);
    if (secret === undefined) {
      withoutSecret.push(d);
      continue;
    }
    const role = deviceRole(d);
    commands.push(
      { command: 'createRole', rolename: role.rolename, acls: role.acls.map((a) => ({ ...a, priority: 0 })) },
      { command: 'createClient', username: deviceUsername(d), password: secret, textname: d.name, roles: [{ rolename: role.rolename }] },
    );
  }
  return { commands, withoutSecret };
}

/**
 * Errors the plugin answers that leave the broker as wanted: deleting what is not there (a device
 * added by hand, or a reload run twice), creating what is.
 */
export function harmlessDynsecError(command: string, error: string): boolean {
  if (command.startsWith('delete')) return /not found/i.test(error);
  if (command.startsWith('create')) return /already exists/i.test(error);
  return false;
}
