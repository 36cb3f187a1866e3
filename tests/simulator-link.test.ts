// Issue 10 point 6: the simulator runs beside the server, not inside it. It waits until the server
// answers, then starts the virtual cars from the lot counts the server holds (a restart on kept data
// must not overfill the lots): over the public API, as any client would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lotOccupancy, startSimulator, VirtualClock, waitForServer, type SimulatorHandle } from '@estate-watch/firmware-sim';
import type { RunningServer } from '../apps/server/src/bootstrap';
import { testSite } from '../apps/server/src/sites/sites.testing';
import { freePort } from './support/server-process';
import { eventually, startTestServer } from './support/server';

const site = testSite();
const admin = { username: 'admin', password: 'demo' };

describe('the simulator beside a running server', () => {
  let server: RunningServer;
  let sim: SimulatorHandle;

  beforeAll(async () => {
    server = await startTestServer();
    sim = await startSimulator({ url: `mqtt://127.0.0.1:${server.mqttPort}`, sites: [site], only: (_, id) => id === 'gate-1', heartbeats: false, log: () => undefined });
    await sim.ready();
  });

  afterAll(async () => {
    await sim?.stop({ announce: false });
    await server?.close();
  });

  it('waitForServer resolves once the server answers with its broker connection up', async () => {
    await expect(waitForServer(server.httpUrl, { withinMs: 5_000 })).resolves.toBeUndefined();
  });

  it('waitForServer gives up after withinMs, naming the last answer', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const clock = new VirtualClock({ auto: true });
    await expect(waitForServer(nobody, { withinMs: 60_000, everyMs: 10_000, clock })).rejects.toThrow(`the server at ${nobody} was not ready within 60 s (ECONNREFUSED)`);
  });

  it('waitForServer stops at once when its signal is aborted (Ctrl-C while the server starts)', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const abort = new AbortController();
    const waiting = waitForServer(nobody, { signal: abort.signal });
    abort.abort();
    await expect(waiting).rejects.toThrow(/abort/i);
  });

  it('lotOccupancy reads every lot the server counted, by site/lot', async () => {
    expect(await lotOccupancy(server.httpUrl, admin)).toEqual({ 'testsite/lot-1': 0 });
    for (const plate of ['沪A10001', '沪A10002', '沪A10003']) await sim.gate('gate-1').pass('in', plate);
    await sim.gate('gate-1').pass('out', '沪A10001');
    const counts = await eventually(() => lotOccupancy(server.httpUrl, admin), (c) => c['testsite/lot-1'] === 2);
    expect(counts).toEqual({ 'testsite/lot-1': 2 });
  });

  it('a refused sign-in says which user and what to set', async () => {
    await expect(lotOccupancy(server.httpUrl, { username: 'admin', password: 'not-the-password' })).rejects.toThrow(
      `the server at ${server.httpUrl} refused user "admin" (HTTP 401): set ADMIN_PASSWORD to that user's password, or leave out --server`,
    );
  });
});
