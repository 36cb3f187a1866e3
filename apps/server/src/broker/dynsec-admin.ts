// Sends dynamic-security plugin commands to the MQTT_URL broker on a connection of their own
// (clean session, the service account), and reads the plugin's answers. Commands go in packets
// under the broker's packet cap (16 KiB in deploy/mosquitto), one after the other; each carries
// a correlation id, so answers to another administrator's commands are not taken for ours.
import { randomBytes } from 'node:crypto';
import { connect, type IClientOptions } from 'mqtt';
import { DYNSEC_RESPONSE_TOPIC, DYNSEC_TOPIC, harmlessDynsecError, type DynsecCommand } from './dynsec';

/** Well under deploy/mosquitto's max_packet_size 16384, topic and header included. */
const MAX_PACKET_JSON = 12_000;

export interface DynsecFailure {
  command: string;
  subject: string;
  error: string;
}

export interface DynsecConnection {
  url: string;
  username?: string;
  password?: string;
  clientIdPrefix: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Commands in packets of at most `max` bytes of JSON, order kept. */
export function packCommands(commands: readonly DynsecCommand[], max = MAX_PACKET_JSON): DynsecCommand[][] {
  const packets: DynsecCommand[][] = [];
  let packet: DynsecCommand[] = [];
  let size = 16;
  for (const c of commands) {
    const bytes = Buffer.byteLength(JSON.stringify(c)) + 1;
    if (packet.length > 0 && size + bytes > max) {
      packets.push(packet);
      packet = [];
      size = 16;
    }
    packet.push(c);
    size += bytes;
  }
  if (packet.length > 0) packets.push(packet);
  return packets;
}

/**
 * Runs the commands; resolves with the ones the plugin refused (harmless refusals left out:
 * deleting what is not there, creating what is). Rejects when the broker does not answer within
 * `timeoutMs` per packet (no dynamic-security plugin, or the account may not use it).
 */
export async function runDynsec(conn: DynsecConnection, commands: readonly DynsecCommand[], timeoutMs = 5_000): Promise<DynsecFailure[]> {
  if (commands.length === 0) return [];
  const opts: IClientOptions = {
    clientId: `${conn.clientIdPrefix}-dynsec-${randomBytes(3).toString('hex')}`.slice(0, 64),
    clean: true,
    username: conn.username,
    password: conn.password,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    protocolVersion: 4,
    ...(conn.ca ? { ca: conn.ca } : {}),
    ...(conn.cert && conn.key ? { cert: conn.cert, key: conn.key } : {}),
    rejectUnauthorized: true,
  };
  const client = connect(conn.url, opts);
  const answers = new Map<string, (responses: { command: string; error?: string; correlationData?: string }[]) => void>();
  client.on('message', (topic, payload) => {
    if (topic !== DYNSEC_RESPONSE_TOPIC) return;
    try {
      const { responses } = JSON.parse(payload.toString()) as { responses?: { command: string; error?: string; correlationData?: string }[] };
      const id = responses?.[0]?.correlationData;
      if (id && responses) answers.get(id)?.(responses);
    } catch {
      // not an answer of the plugin's: ignored
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
      client.once('close', () => reject(new Error(`MQTT_URL broker closed the connection before the dynamic-security commands (${conn.username ?? 'no user'})`)));
    });
    await client.subscribeAsync(DYNSEC_RESPONSE_TOPIC, { qos: 1 });
    const failures: DynsecFailure[] = [];
    for (const packet of packCommands(commands)) {
      const id = randomBytes(8).toString('hex');
      const answered = new Promise<{ command: string; error?: string }[]>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`the MQTT_URL broker did not answer its dynamic-security commands within ${timeoutMs} ms: is the plugin loaded, and may ${conn.username ?? 'the server'} publish to ${DYNSEC_TOPIC}?`)), timeoutMs);
        answers.set(id, (responses) => {
          clearTimeout(timer);
          resolve(responses);
        });
      });
      await client.publishAsync(DYNSEC_TOPIC, JSON.stringify({ commands: packet.map((c) => ({ ...c, correlationData: id })) }), { qos: 1 });
      const responses = await answered;
      answers.delete(id);
      responses.forEach((r, i) => {
        const sent = packet[i];
        if (!r.error || !sent || harmlessDynsecError(r.command, r.error)) return;
        failures.push({ command: r.command, subject: String(sent.username ?? sent.rolename ?? ''), error: r.error });
      });
    }
    return failures;
  } finally {
    await client.endAsync(true).catch(() => undefined);
  }
}
