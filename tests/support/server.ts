// Starts the real server in-process for cross-app tests: embedded broker and PGlite in memory on free ports.
import { connect, type MqttClient } from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import { buildTopic, deviceUsername, LIVE_NAMESPACE, type DeviceKind, type LiveEvents, type LoginResponse, type SiteConfig } from '@estate-watch/contracts';
import { startServer, type RunningServer, type StartOptions } from '../../apps/server/src/bootstrap';
import { testSite } from '../../apps/server/src/sites/sites.testing';

export async function startTestServer(options: StartOptions = {}): Promise<RunningServer> {
  return startServer({
    source: {},
    sites: [testSite()],
    ...options,
    env: { httpPort: 0, mqttPort: 0, dataDir: undefined, simulator: false, logLevel: 'warn', ...options.env },
  });
}

export async function login(server: RunningServer, username = 'operator', password = 'demo'): Promise<LoginResponse> {
  const res = await fetch(`${server.httpUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return (await res.json()) as LoginResponse;
}

export async function api<T>(server: RunningServer, token: string, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.httpUrl}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A device as the real hardware connects: its own credentials, retained last will. */
export async function connectDevice(server: RunningServer, site: SiteConfig, kind: DeviceKind, deviceId: string, secret?: string): Promise<MqttClient> {
  const device = [...site.checkpoints, ...site.gates, ...site.dispensers, ...site.sensors].find((d) => d.id === deviceId);
  if (!device) throw new Error(`no device ${deviceId} in the test site`);
  const statusTopic = buildTopic({ site: site.site.id, kind, device: deviceId, stream: 'status' });
  return connect(`mqtt://127.0.0.1:${server.mqttPort}`, {
    clientId: `test-${deviceId}-${Math.random().toString(16).slice(2, 8)}`,
    username: deviceUsername(site.site.id, deviceId),
    password: secret ?? device.secret,
    reconnectPeriod: 0,
    will: { topic: statusTopic, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
  }).on('error', () => undefined);
}

export async function connected(client: MqttClient): Promise<MqttClient> {
  if (client.connected) return client;
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
    client.once('close', () => reject(new Error('connection closed before CONNACK')));
  });
  return client;
}

export function liveSocket(server: RunningServer, token: string): Socket<LiveEvents> {
  return io(`${server.httpUrl}${LIVE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false });
}

/** A live socket that has completed its authenticated handshake. */
export async function connectLive(server: RunningServer, token: string): Promise<Socket<LiveEvents>> {
  const socket = liveSocket(server, token);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Resolves with the first live event of that name matching the predicate. */
export function nextEvent<E extends keyof LiveEvents>(
  socket: Socket<LiveEvents>,
  event: E,
  match: (payload: Parameters<LiveEvents[E]>[0]) => boolean,
): Promise<Parameters<LiveEvents[E]>[0]> {
  return new Promise((resolve) => {
    const listener = (payload: Parameters<LiveEvents[E]>[0]) => {
      if (!match(payload)) return;
      (socket as unknown as Socket).off(event as string, listener);
      resolve(payload);
    };
    (socket as unknown as Socket).on(event as string, listener);
  });
}

export function rfc3339(at: Date): string {
  return at.toISOString();
}

/** Polls an HTTP read until it holds; only for state that has no live event of its own. */
export async function eventually<T>(read: () => Promise<T>, holds: (value: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (holds(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
