// Mosquitto credentials and ACL for CONTRACT §1, generated from the site files.
//
// Why not a password file and a pattern ACL: Mosquitto's password file separates user and
// hash with ':' and refuses user names containing one ("Username must not contain the ':'
// character"), and device user names are `{site}:{device}`. A pattern ACL (%u) substitutes
// the whole user name into one topic level, so `{site}:{device}` can never become the three
// levels estate/v1/{site}/{kind}/{device}. Mosquitto's dynamic security plugin keeps users in
// JSON (any user name) with per-user roles, so each device gets a role naming its own topics.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { buildTopic, siteDevices, TOPIC_ROOT, UPSTREAM_STREAMS, type SiteConfig } from '@estate-watch/contracts';

export interface ServiceAccount {
  username: string;
  password: string;
}

interface Acl {
  acltype: 'publishClientSend' | 'publishClientReceive' | 'subscribePattern' | 'unsubscribePattern';
  topic: string;
  allow: boolean;
}

export interface DynsecConfig {
  clients: { username: string; textName: string; password: string; salt: string; iterations: number; roles: { rolename: string }[] }[];
  groups: never[];
  roles: { rolename: string; acls: Acl[] }[];
  defaultACLAccess: { publishClientSend: boolean; publishClientReceive: boolean; subscribe: boolean; unsubscribe: boolean };
}

/** The plugin's own hash: PBKDF2-HMAC-SHA512 over the raw salt, 101 rounds (mosquitto_ctrl's default). */
const ITERATIONS = 101;

export function hashPassword(password: string, salt: Buffer = randomBytes(12)): { password: string; salt: string; iterations: number } {
  return { password: pbkdf2Sync(password, salt, ITERATIONS, 64, 'sha512').toString('base64'), salt: salt.toString('base64'), iterations: ITERATIONS };
}

export function buildDynsecConfig(sites: SiteConfig[], service: ServiceAccount): DynsecConfig {
  const config: DynsecConfig = {
    clients: [],
    groups: [],
    roles: [],
    // Deny by default: a user may do only what its role lists.
    defaultACLAccess: { publishClientSend: false, publishClientReceive: true, subscribe: false, unsubscribe: true },
  };
  for (const site of sites) {
    for (const device of siteDevices(site)) {
      if (device.secret === undefined) {
        throw new Error(`${site.site.id}:${device.id} has only a secretHash: Mosquitto makes its own hash of the secret, so generate its config from a site file that gives the secret`);
      }
      const rolename = `device:${site.site.id}:${device.id}`;
      const topic = (stream: (typeof UPSTREAM_STREAMS)[number] | 'cmd') => buildTopic({ site: site.site.id, kind: device.kind, device: device.id, stream });
      config.roles.push({
        rolename,
        acls: [
          ...UPSTREAM_STREAMS.map((stream): Acl => ({ acltype: 'publishClientSend', topic: topic(stream), allow: true })),
          { acltype: 'subscribePattern', topic: topic('cmd'), allow: true },
        ],
      });
      config.clients.push({
        username: `${site.site.id}:${device.id}`,
        textName: `${site.site.name} / ${device.name}`,
        ...hashPassword(device.secret),
        roles: [{ rolename }],
      });
    }
  }
  config.roles.push({
    rolename: 'estate-watch-server',
    acls: [
      { acltype: 'subscribePattern', topic: `${TOPIC_ROOT}/#`, allow: true },
      { acltype: 'publishClientSend', topic: `${TOPIC_ROOT}/+/+/+/cmd`, allow: true },
    ],
  });
  config.clients.push({ username: service.username, textName: 'Estate Watch server', ...hashPassword(service.password), roles: [{ rolename: 'estate-watch-server' }] });
  return config;
}
