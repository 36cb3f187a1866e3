// PUBACKs in order, each after its message's commit, without waiting for one commit before
// reading the next message.
//
// MQTT.js hands a connection's messages over one at a time and sends a QoS 1 PUBACK when
// `handleMessage` calls back, then reads the next packet: a connection that waits for the commit
// before calling back commits one message at a time (~450 msg/s per connection at 2 ms). Here
// `handleMessage` calls back at once; the PUBACK MQTT.js then sends is held back and written when
// the commit resolves, in the order the PUBLISHes came [MQTT-4.6.0-2], so every message of a
// connection can share one grouped commit. How many are open at once is the broker's business
// (Mosquitto's max_inflight_messages, deploy/mosquitto).
//
// Nothing is acknowledged before its commit. A commit that fails drops the connection: every
// message after it is unacknowledged too, and the broker redelivers them all to the next session.
// A PUBACK whose connection has gone is never written to the next one.
import type { IPublishPacket, MqttClient, Packet } from 'mqtt';

type SendPacket = (packet: Packet, cb?: (error?: Error) => void, ...rest: unknown[]) => void;

interface ClientInternals {
  _sendPacket: SendPacket;
  _writePacket(packet: Packet, cb?: (error?: Error) => void): void;
}

export class OrderedAcks {
  private readonly held = new Set<number>();
  private tail: Promise<void> = Promise.resolve();
  /** The connection a commit failed on: nothing more is acknowledged on it. */
  private broken: unknown;
  /** Messages read and not yet acknowledged (committed or not). */
  open = 0;

  constructor(
    private readonly client: MqttClient,
    private readonly failed: (error: unknown) => void,
  ) {
    const internals = client as unknown as ClientInternals;
    const send = internals._sendPacket.bind(client);
    internals._sendPacket = (packet, cb, ...rest) => {
      if (packet.cmd === 'puback' && packet.messageId !== undefined && this.held.delete(packet.messageId)) return cb?.();
      send(packet, cb, ...rest);
    };
  }

  /**
   * A QoS 1 message being committed. Call before handing the packet back to MQTT.js; its PUBACK
   * goes out once `commit` resolves and every earlier one has gone.
   */
  hold(packet: IPublishPacket, commit: Promise<unknown>): void {
    const id = packet.messageId;
    if (id === undefined) return;
    this.held.add(id);
    this.open++;
    const stream = this.client.stream;
    const settled = commit.then(
      () => true,
      (error: unknown) => (this.failed(error), false),
    );
    this.tail = this.tail.then(async () => {
      const ok = await settled;
      this.open--;
      if (!ok) this.broken = stream;
      if (!ok || this.broken === stream || this.client.stream !== stream || !this.client.connected) return;
      (this.client as unknown as ClientInternals)._writePacket({ cmd: 'puback', messageId: id });
    });
  }

  /** Resolves when every held message has been acknowledged or given up. */
  drained(): Promise<void> {
    return this.tail;
  }
}
