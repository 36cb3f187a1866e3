// Issue 8 point 6 end to end: who may hold the live socket, over real HTTP and Socket.IO.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type LiveEvents, type LiveSessionEnded } from '@estate-watch/contracts';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { ManualClock } from '../apps/server/src/common/clock';
import { TOKEN_TTL_SECONDS } from '../apps/server/src/auth/jwt-options';
import { DATABASE, type Database } from '../apps/server/src/db/database';
import { LiveGateway } from '../apps/server/src/live/live.gateway';
import { api, connectLive, login, startTestServer } from './support/server';

type Live = Socket<LiveEvents>;

function open(server: RunningServer, options: { token?: string; headers?: Record<string, string> }): Live {
  return io(`${server.httpUrl}${LIVE_NAMESPACE}`, {
    auth: options.token ? { token: options.token } : {},
    extraHeaders: options.headers,
    transports: ['websocket'],
    reconnection: false,
  });
}

function outcome(socket: Live): Promise<'connected' | Error> {
  return new Promise((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', resolve);
  });
}

/** Resolves when the server closes the socket, with the reason it gave first. */
function dropped(socket: Live): Promise<{ ended: LiveSessionEnded | undefined; reason: string }> {
  let ended: LiveSessionEnded | undefined;
  socket.once('session', (e) => (ended = e));
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve({ ended, reason })));
}

describe('live socket: origins', () => {
  let server: RunningServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer({ env: { allowedOrigins: ['https://ops.example.com'] } });
    token = (await login(server)).token;
  });
  afterAll(() => server?.close());

  it.each([
    { origin: 'https://evil.example', result: 'refused' },
    { origin: 'http://localhost:1', result: 'refused' }, // same host name, another port: another origin
    { origin: 'https://ops.example.com', result: 'connected' },
    { origin: 'own', result: 'connected' },
  ])('Origin $origin → $result', async ({ origin, result }) => {
    const socket = open(server, { token, headers: { origin: origin === 'own' ? server.httpUrl : origin } });
    const got = await outcome(socket);
    socket.close();
    expect(got === 'connected' ? 'connected' : 'refused').toBe(result);
  });

  it('the dashboard signs the socket in with its session cookie alone', async () => {
    const res = await fetch(`${server.httpUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'operator', password: 'demo' }),
    });
    const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const socket = open(server, { headers: { origin: server.httpUrl, cookie } });
    expect(await outcome(socket)).toBe('connected');
    socket.close();
    const without = open(server, { headers: { origin: server.httpUrl } });
    expect(await outcome(without)).toBeInstanceOf(Error);
    without.close();
  });
});

describe('live socket: a sign-in that no longer holds is dropped', () => {
  const clock = new ManualClock(new Date());
  let server: RunningServer;
  let admin: string;
  beforeAll(async () => {
    server = await startTestServer({ clock });
    admin = (await login(server, 'admin')).token;
  });
  afterAll(() => server?.close());

  it('when its token expires (the 12 h shift is over)', async () => {
    const socket = await connectLive(server, (await login(server, 'operator')).token);
    const gone = dropped(socket);
    clock.advance((TOKEN_TTL_SECONDS - 60) * 1000);
    await server.app.get(LiveGateway).revalidate();
    expect(socket.connected).toBe(true); // still inside its 12 h
    clock.advance(61_000);
    await server.app.get(LiveGateway).revalidate();
    expect(await gone).toEqual({ ended: { reason: 'expired' }, reason: 'io server disconnect' });
    admin = (await login(server, 'admin')).token; // the admin's own token expired with the clock too
  });

  it("when an admin changes the user's role", async () => {
    await api(server, admin, '/api/users', { method: 'POST', body: JSON.stringify({ username: 'shift-lead', password: 'demo-pass-1', role: 'supervisor' }) });
    const socket = await connectLive(server, (await login(server, 'shift-lead', 'demo-pass-1')).token);
    const gone = dropped(socket);
    const res = await api(server, admin, '/api/users/shift-lead', { method: 'PATCH', body: JSON.stringify({ role: 'operator' }) });
    expect(res.status).toBe(200);
    expect(await gone).toEqual({ ended: { reason: 'role_changed' }, reason: 'io server disconnect' });
  });

  it('when the user is removed', async () => {
    await api(server, admin, '/api/users', { method: 'POST', body: JSON.stringify({ username: 'temp-guard', password: 'demo-pass-2', role: 'operator' }) });
    const socket = await connectLive(server, (await login(server, 'temp-guard', 'demo-pass-2')).token);
    const other = await connectLive(server, (await login(server, 'operator')).token);
    const gone = dropped(socket);
    await api(server, admin, '/api/users/temp-guard', { method: 'DELETE' });
    expect(await gone).toEqual({ ended: { reason: 'removed' }, reason: 'io server disconnect' });
    expect(other.connected).toBe(true); // everyone else stays
    other.close();
  });

  it('a role changed through another instance (straight in the database) is caught by the next check', async () => {
    await api(server, admin, '/api/users', { method: 'POST', body: JSON.stringify({ username: 'night-desk', password: 'demo-pass-3', role: 'supervisor' }) });
    const socket = await connectLive(server, (await login(server, 'night-desk', 'demo-pass-3')).token);
    const gone = dropped(socket);
    await server.app.get<symbol, Database>(DATABASE).query(`UPDATE users SET role = 'operator' WHERE username = $1`, ['night-desk']);
    await server.app.get(LiveGateway).revalidate();
    expect((await gone).ended).toEqual({ reason: 'role_changed' });
  });
});
