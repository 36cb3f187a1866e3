// Mosquitto credentials and ACL for CONTRACT §1, generated from the site files.
//
// Why not a password file and a pattern ACL: Mosquitto's password file separates user and
// hash with ':' and refuses user names containing one ("Username must not contain the ':'
// character"), and device user names are `{site}:{device}`. A pattern ACL (%u) substitutes
// the whole user name into one topic level, so `{site}:{device}` can never become the three
// levels estate/v1/{site}/{kind}/{device}. Mosquitto's dynamic security plugin keeps users in
// JSON (any user name) with per-user roles, so each device gets a role naming its own topics.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { siteDevices, type SiteConfig } from '@estate-watch/contracts';
import { deviceRole, deviceUsername, serverRole, type DynsecAcl, type DynsecRole } from '../../apps/server/src/broker/dynsec';

export interface ServiceAccount {
  username: string;
  password: string;
}

export type Acl = DynsecAcl;

export interface DynsecConfig {
  clients: { username: string; textName: string; password: string; salt: string; iterations: number; roles: { rolename: string }[] }[];
  groups: never[];
  roles: DynsecRole[];
  defaultACLAccess: { publishClientSend: boolean; publishClientReceive: boolean; subscribe: boolean; unsubscribe: boolean };
}

/** The plugin's own hash: PBKDF2-HMAC-SHA512 over the raw salt, 101 rounds (mosquitto_ctrl's default). */
const ITERATIONS = 101;

export function hashPassword(password: string, salt: Buffer = randomBytes(12)): { password: string; salt: string; iterations: number } {
  return { password: pbkdf2Sync(password, salt, ITERATIONS, 64, 'sha512').toString('base64'), salt: salt.toString('base64'), iterations: ITERATIONS };
}

/**
 * Every device's user and role (apps/server/src/broker/dynsec.ts, which a reload of the site
 * files also uses to change a running broker), and the server's service account, whose role may
 * also send the plugin its commands.
 */
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
      const d = { siteId: site.site.id, id: device.id, kind: device.kind, name: device.name };
      const role = deviceRole(d);
      config.roles.push(role);
      config.clients.push({
        username: deviceUsername(d),
        textName: `${site.site.name} / ${device.name}`,
        ...hashPassword(device.secret),
        roles: [{ rolename: role.rolename }],
      });
    }
  }
  const server = serverRole();
  config.roles.push(server);
  config.clients.push({ username: service.username, textName: 'Estate Watch server', ...hashPassword(service.password), roles: [{ rolename: server.rolename }] });
  return config;
}
