// CONNECT, in order: lockout → credentials (a hash verified once: verified-secrets.ts) → client-id ownership. Returns a verdict (STYLE:
// aedes, validation returns an error value) that the broker turns into a CONNACK.
import type { Clock } from '../common/clock';
import { authenticate, maySubscribe, type CredentialDirectory, type Principal, type ServiceAccount } from './device-acl';
import type { LoginLockout } from './login-lockout';
import type { VerifiedSecrets } from './verified-secrets';

export type Admission =
  | { ok: true; principal: Principal }
  /** CONNACK 2 identifier rejected, 5 not authorised [MQTT-3.2.2-3]; `reason` is for the log only. */
  | { ok: false; returnCode: 2 | 5; reason: string };

export interface AdmissionDeps {
  devices: CredentialDirectory;
  service?: ServiceAccount;
  lockout: LoginLockout;
  /** Devices whose site file gives a secretHash: verified once, then remembered. */
  hashed?: VerifiedSecrets;
  clock: Clock;
  /** Who holds this client id on a live connection now, if anyone. */
  connectedAs(clientId: string): Principal | undefined;
  /** Subscription filters a stored (persistent) session of this client id holds. */
  storedSubscriptions(clientId: string): Promise<string[]>;
}

export interface Connecting {
  clientId: string;
  address: string;
  username: string | undefined;
  password: Uint8Array | undefined;
}

export async function admit(deps: AdmissionDeps, c: Connecting): Promise<Admission> {
  const now = deps.clock.now().getTime();
  const name = c.username ?? '';
  const locked = deps.lockout.refusal(name, c.address, now);
  if (locked) return { ok: false, returnCode: 5, reason: locked };

  const principal = await authenticate(c.username, c.password, deps.devices, deps.service, deps.hashed);
  if (!principal) {
    const justLocked = deps.lockout.failed(name, c.address, now);
    const more = justLocked.length > 0 ? `; ${justLocked.join(' and ')} now locked out` : '';
    return { ok: false, returnCode: 5, reason: `bad username or password${more}` };
  }
  deps.lockout.succeeded(name, c.address);

  // aedes lets a new connection with a client id in use take the old one's place (and session).
  // The same device reconnecting does that legitimately (its old connection half-open); another
  // account must not be able to cut a device off or read its commands.
  const holder = deps.connectedAs(c.clientId);
  if (holder && identity(holder) !== identity(principal)) {
    return { ok: false, returnCode: 2, reason: `client id "${c.clientId}" is connected as ${identity(holder)}` };
  }
  // Nor resume, or wipe, a stored session of another device: its subscriptions (and the
  // commands queued on them) would become the newcomer's.
  const foreign = (await deps.storedSubscriptions(c.clientId)).find((filter) => !maySubscribe(principal, filter));
  if (foreign !== undefined) {
    return { ok: false, returnCode: 2, reason: `client id "${c.clientId}" has a stored session subscribed to ${foreign}, which ${identity(principal)} may not read` };
  }
  return { ok: true, principal };
}

/** `{site}:{device}` for a device, the user name for the service account. */
export function identity(principal: Principal): string {
  return principal.role === 'device' ? `${principal.site}:${principal.device}` : principal.username;
}
