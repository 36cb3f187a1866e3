// Test-only: an aedes broker on an ephemeral port that enforces CONTRACT §1 device credentials
// and topic rights, plus a service account for observers. Not part of the build (tsconfig).
import { createServer, type AddressInfo, type Server } from 'node:net';
import type { Aedes } from 'aedes' with { 'resolution-mode': 'import' };
import { buildTopic, deviceUsername, parseDeviceUsername, parseTopic, siteDevices, type SiteConfig } from '@estate-watch/contracts';

export const SERVICE_USER = 'svc-test';
export const SERVICE_PASSWORD = 'svc-test-password';

export interface TestBroker {
  url: string;
  broker: Aedes;
  /** Usernames that connected successfully, in order. */
  authenticated: string[];
  /** `username: reason` for every refusal (connect, publish, subscribe). */
  refused: string[];
  /** Resolves once `count` refusals start with `prefix`. */
  refusals(prefix: string, count: number): Promise<void>;
  /** Drops a client's connection from the broker side, as a broker restart or network fault would. */
  drop(clientId: string): void;
  close(): Promise<void>;
}

export async function startTestBroker(sites: SiteConfig[]): Promise<TestBroker> {
  const secrets = new Map<string, { secret: string; kind: string }>();
  for (const site of sites) {
    for (const d of siteDevices(site)) secrets.set(deviceUsername(site.site.id, d.id), { secret: d.secret, kind: d.kind });
  }
  // aedes 1.x is ESM-only; this package compiles to CommonJS, hence the dynamic import.
  const { Aedes: AedesBroker } = await import('aedes');
  const broker = await AedesBroker.createBroker();
  const usernames = new Map<string, string>();
  const connected = new Map<string, { close(): void }>();
  broker.on('client', (client) => connected.set(client.id, client));
  const authenticated: string[] = [];
  const refused: string[] = [];
  const refusalWaiters: Array<() => void> = [];
  const refuse = (reason: string) => {
    refused.push(reason);
    for (const w of [...refusalWaiters]) w();
  };

  broker.authenticate = (client, username, password, done) => {
    const user = username ?? '';
    const given = password?.toString('utf8');
    const ok = user === SERVICE_USER ? given === SERVICE_PASSWORD : secrets.get(user)?.secret === given && given !== undefined;
    if (!ok) {
      refuse(`${user}: bad credentials`);
      const err = Object.assign(new Error('bad username or password'), { returnCode: 4 as const });
      return done(err, false);
    }
    usernames.set(client.id, user);
    authenticated.push(user);
    done(null, true);
  };

  broker.authorizePublish = (client, packet, done) => {
    if (!client) return done(null);
    const user = usernames.get(client.id);
    if (user === SERVICE_USER) return done(null);
    const allowed = user !== undefined && ownTopic(user, packet.topic, secrets, ['event', 'telemetry', 'status', 'ack']);
    if (!allowed) refuse(`${user}: publish to ${packet.topic}`);
    done(allowed ? null : new Error(`${user} may not publish to ${packet.topic}`));
  };

  broker.authorizeSubscribe = (client, sub, done) => {
    const user = usernames.get(client.id);
    if (user === SERVICE_USER) return done(null, sub);
    const allowed = user !== undefined && ownTopic(user, sub.topic, secrets, ['cmd']);
    if (!allowed) refuse(`${user}: subscribe to ${sub.topic}`);
    done(null, allowed ? sub : null);
  };

  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    broker,
    authenticated,
    refused,
    refusals: (prefix, count) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (refused.filter((r) => r.startsWith(prefix)).length < count) return;
          refusalWaiters.splice(refusalWaiters.indexOf(check), 1);
          resolve();
        };
        refusalWaiters.push(check);
        check();
      }),
    drop(clientId) {
      const client = connected.get(clientId);
      if (!client) throw new Error(`test broker: no client ${clientId}`);
      client.close();
    },
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function ownTopic(user: string, topic: string, secrets: Map<string, { kind: string }>, streams: string[]): boolean {
  const who = parseDeviceUsername(user);
  const parsed = parseTopic(topic);
  const known = secrets.get(user);
  if (!who || !parsed.ok || !known) return false;
  const own = buildTopic({ site: who.site, kind: known.kind as never, device: who.device, stream: parsed.topic.stream });
  return own === topic && streams.includes(parsed.topic.stream);
}
