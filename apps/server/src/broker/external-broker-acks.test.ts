import { describe, expect, it } from 'vitest';
import type { IPublishPacket, MqttClient, Packet } from 'mqtt';
import { OrderedAcks } from './external-broker-acks';

/** The parts of an MQTT.js client OrderedAcks touches: what reaches the socket is recorded. */
function fakeClient() {
  const written: number[] = [];
  const passed: Packet[] = [];
  const client = {
    stream: {},
    connected: true,
    _sendPacket: (packet: Packet, cb?: () => void) => (passed.push(packet), cb?.()),
    _writePacket: (packet: Packet) => written.push((packet as { messageId: number }).messageId),
  };
  return { client, written, passed, mqtt: client as unknown as MqttClient };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const publish = (messageId: number) => ({ cmd: 'publish', qos: 1, messageId, topic: 't', payload: Buffer.alloc(0) }) as unknown as IPublishPacket;

/** What MQTT.js does when handleMessage calls back: it sends the PUBACK through _sendPacket. */
const mqttJsAcks = (client: ReturnType<typeof fakeClient>['client'], messageId: number) => {
  let next = false;
  client._sendPacket({ cmd: 'puback', messageId } as Packet, () => (next = true));
  return next;
};

describe(OrderedAcks.name, () => {
  it('lets MQTT.js read on at once, and writes each PUBACK after its commit, in the order received [MQTT-4.6.0-2]', async () => {
    const { client, written, mqtt } = fakeClient();
    const acks = new OrderedAcks(mqtt, () => undefined);
    const commits = [deferred(), deferred(), deferred()];
    commits.forEach((c, i) => {
      acks.hold(publish(i + 1), c.promise);
      expect(mqttJsAcks(client, i + 1)).toBe(true); // the next packet is read without waiting
    });
    commits[2]!.resolve();
    commits[1]!.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(written).toEqual([]); // the first is not committed yet
    commits[0]!.resolve();
    await acks.drained();
    expect(written).toEqual([1, 2, 3]);
  });

  it('acknowledges nothing on a connection after a commit failed there, and says so', async () => {
    const { client, written, mqtt } = fakeClient();
    const failures: unknown[] = [];
    const acks = new OrderedAcks(mqtt, (e) => failures.push(e));
    acks.hold(publish(1), Promise.resolve());
    acks.hold(publish(2), Promise.reject(new Error('database away')));
    acks.hold(publish(3), Promise.resolve());
    for (const id of [1, 2, 3]) mqttJsAcks(client, id);
    await acks.drained();
    expect(written).toEqual([1]);
    expect(failures).toHaveLength(1);
  });

  it('never writes a PUBACK of an old connection on the next one', async () => {
    const { client, written, mqtt } = fakeClient();
    const acks = new OrderedAcks(mqtt, () => undefined);
    const commit = deferred();
    acks.hold(publish(7), commit.promise);
    mqttJsAcks(client, 7);
    client.stream = {}; // reconnected: the broker redelivers message 7 on the new session
    commit.resolve();
    await acks.drained();
    expect(written).toEqual([]);
  });

  it('passes every other packet through untouched', () => {
    const { client, passed, mqtt } = fakeClient();
    new OrderedAcks(mqtt, () => undefined);
    client._sendPacket({ cmd: 'puback', messageId: 9 } as Packet); // not held: a QoS 1 message not from handleMessage
    client._sendPacket({ cmd: 'pingreq' } as Packet);
    expect(passed.map((p) => p.cmd)).toEqual(['puback', 'pingreq']);
  });
});
