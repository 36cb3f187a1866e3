// What the rest of the server sees of MQTT: publish a command, and whether the broker is up.

export interface PublishOptions {
  /** Default 1 (CONTRACT §1: cmd is QoS 1). */
  qos?: 0 | 1;
  retain?: boolean;
}

export interface MqttTransport {
  /** Server → device (cmd). An object payload is sent as JSON. Resolves once the broker has it. */
  publish(topic: string, payload: string | Uint8Array | object, options?: PublishOptions): Promise<void>;
  /** For GET /api/health. */
  isUp(): boolean;
}

export const MQTT_TRANSPORT = Symbol('MQTT_TRANSPORT');

export function payloadBytes(payload: string | Uint8Array | object): Buffer {
  if (typeof payload === 'string') return Buffer.from(payload, 'utf8');
  if (payload instanceof Uint8Array) return Buffer.from(payload);
  return Buffer.from(JSON.stringify(payload), 'utf8');
}
