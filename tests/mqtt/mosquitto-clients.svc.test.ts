// Debian's mosquitto_pub / mosquitto_sub as clients of the embedded broker: another MQTT
// implementation than MQTT.js, held to the same credentials and ACL (CONTRACT §1).
import { execFile, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBroker } from '../../apps/server/src/broker/embedded-broker';
import type { Database } from '../../apps/server/src/db/database';
import { envelope, ingestOn, openPglite, testClock, TOPIC, type IngestFixture } from '../support/mqtt-ingest';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe('mosquitto_pub / mosquitto_sub against the embedded broker', () => {
  let db: Database;
  let f: IngestFixture;
  let broker: EmbeddedBroker;
  let port: number;
  const auth = (device: string, secret = `secret-${device}`) => ['-h', '127.0.0.1', '-p', String(port), '-u', `lakeside:${device}`, '-P', secret, '-V', 'mqttv311'];

  beforeAll(async () => {
    db = await openPglite();
    f = await ingestOn(db, testClock());
    broker = new EmbeddedBroker(f.ingest, f.sites, { port: 0, host: '127.0.0.1' });
    port = await broker.start();
  });

  afterAll(async () => {
    await broker.stop();
    await f.ingest.stop();
    await db.close();
  });

  it('accepts a device with its secret; the QoS 1 tap is stored', async () => {
    const payload = JSON.stringify(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'mosq-1'));
    const result = await run('mosquitto_pub', [...auth('cp-1'), '-q', '1', '-t', TOPIC.tap, '-m', payload]);
    expect(result).toMatchObject({ code: 0 });
    expect(await db.query("SELECT msg_id FROM device_messages WHERE msg_id = 'mosq-1'")).toEqual([{ msg_id: 'mosq-1' }]);
  });

  it.each([
    { name: 'wrong secret', args: () => auth('cp-1', 'wrong-secret') },
    { name: 'unknown device', args: () => auth('cp-404') },
    { name: 'anonymous', args: () => ['-h', '127.0.0.1', '-p', String(port), '-V', 'mqttv311'] },
  ])('refuses $name (CONNACK not authorised)', async ({ args }) => {
    const result = await run('mosquitto_pub', [...args(), '-q', '1', '-t', TOPIC.tap, '-m', '{}']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/not authori[sz]ed/i);
  });

  it("refuses a publish to another device's topic: the connection is closed and nothing is stored", async () => {
    const payload = JSON.stringify(envelope({ type: 'tap', card: '04A1B2C3D4' }, 'mosq-other'));
    const result = await run('mosquitto_pub', [...auth('cp-1'), '-q', '1', '-t', TOPIC.cp2Event, '-m', payload]);
    expect(result.code).not.toBe(0);
    expect(await db.query("SELECT 1 FROM device_messages WHERE msg_id = 'mosq-other'")).toEqual([]);
  });

  it('denies subscribing to anything but its own cmd', async () => {
    const result = await run('mosquitto_sub', [...auth('cp-1'), '-q', '1', '-t', TOPIC.gateCmd, '-C', '1', '-W', '5']);
    // SUBACK 0x80: mosquitto_sub reports it and leaves (with exit code 0, its choice).
    expect(result.stderr).toMatch(/All subscription requests were denied/);
    expect(result.stdout).toBe('');
  });

  it('delivers a server command to the gate subscribed with mosquitto_sub', async () => {
    // stdbuf: line-buffered stdout, so the SUBACK line arrives when it happens, not at exit.
    const sub = spawn('stdbuf', ['-oL', 'mosquitto_sub', ...auth('gate-1'), '-q', '1', '-t', TOPIC.gateCmd, '-C', '1', '-W', '15', '-d']);
    let out = '';
    sub.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => sub.once('exit', resolve));
    // -d prints the SUBACK; publish once it is in.
    await new Promise<void>((resolve) => sub.stdout.on('data', () => out.includes('Subscribed (mid: 1): 1') && resolve()));
    await broker.publish(TOPIC.gateCmd, { id: 'cmd-1', action: 'open', by: 'supervisor' });
    expect(await exited).toBe(0);
    expect(out).toContain('{"id":"cmd-1","action":"open","by":"supervisor"}');
  });
});
