// What the embedded broker keeps (issue 13, point 6): a command queued for a gate that is
// offline with a persistent session is delivered after the server restarts on the same data
// directory (sessions in {DATA_DIR}/mqtt-sessions). With sessions in memory it was lost.
import { connect, type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import type { GateOpenResult } from '@estate-watch/contracts';
import type { RunningServer } from '../../apps/server/src/bootstrap';
import { EmbeddedBroker } from '../../apps/server/src/broker/embedded-broker';
import { api, login, startTestServer } from '../support/server';
import { ingestOn, openPglite, tempDir, testClock, TOPIC } from '../support/mqtt-ingest';
import { connectClient } from '../support/mqtt-clients';

const CMD = 'estate/v1/testsite/gate/gate-1/cmd';

function gate(server: RunningServer, clientId: string): Promise<{ client: MqttClient; sessionPresent: boolean }> {
  return new Promise((resolve, reject) => {
    const client = connect(`mqtt://127.0.0.1:${server.mqttPort}`, { clientId, clean: false, username: 'testsite:gate-1', password: 'secret-gate-1', reconnectPeriod: 0 });
    client.once('connect', (connack) => resolve({ client, sessionPresent: connack.sessionPresent }));
    client.once('error', reject);
  });
}

describe('embedded broker sessions across a restart', () => {
  const dir = tempDir('estate-sessions-');
  afterAll(() => dir.remove());
  const start = () => startTestServer({ env: { dataDir: dir.path, gateAckTimeoutMs: 300 } });

  it('delivers a cmd queued for an offline gate after the server restarts on the same DATA_DIR', async () => {
    const clientId = `gate-1-${Math.random().toString(16).slice(2, 10)}`;
    let server = await start();
    try {
      const first = await gate(server, clientId);
      await first.client.subscribeAsync(CMD, { qos: 1 });
      await first.client.endAsync();

      // The gate is away: the supervisor's open times out, and the command waits in its session.
      const { token } = await login(server, 'supervisor');
      const opened = await api<GateOpenResult>(server, token, '/api/gates/gate-1/open', { method: 'POST', body: JSON.stringify({ reason: 'ambulance' }) });
      expect(opened.status).toBe(504);
    } finally {
      await server.close();
    }

    server = await start();
    try {
      const back = await gate(server, clientId);
      const command = await new Promise<Record<string, unknown>>((resolve) => back.client.once('message', (_t, payload) => resolve(JSON.parse(payload.toString()) as Record<string, unknown>)));
      expect(back.sessionPresent).toBe(true);
      expect(command).toMatchObject({ action: 'open', by: 'supervisor', reason: 'ambulance', id: expect.stringMatching(/^cmd-/) });
      await back.client.endAsync();
    } finally {
      await server.close();
    }
  });
});

describe('last wills across a restart', () => {
  const dir = tempDir('estate-wills-');
  afterAll(() => dir.remove());

  it('drops the wills a stopped server left, so a device is not reported offline for its server’s restart', async () => {
    const db = await openPglite();
    const f = await ingestOn(db, testClock());
    const logged: string[] = [];
    const logger = { log: (line: string) => logged.push(line), warn: () => undefined, error: (line: string) => logged.push(line) };
    const run = async (withDevice: boolean) => {
      const broker = new EmbeddedBroker(f.ingest, f.sites, { port: 0, host: '127.0.0.1', dataDir: dir.path }, logger);
      const port = await broker.start();
      if (withDevice) {
        await connectClient(port, 'lakeside:cp-1', 'secret-cp-1', {
          clientId: `cp-1-${Math.random().toString(16).slice(2, 10)}`,
          will: { topic: TOPIC.cp1Status, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
        });
      }
      await broker.stop();
    };
    try {
      await run(true);
      await run(false);
      await f.ingest.settled();
      expect(logged).toContain('dropped 1 last will left by the previous run');
      expect(f.handler.seen).toEqual([]);
    } finally {
      await f.ingest.stop();
      await db.close();
    }
  });
});
