// What one embedded broker lets a client do, and the defaults. Each default is chosen against
// the heaviest legitimate traffic the contract allows, with room to spare; every one can be
// changed through the environment (config/env.ts, README "Configuration").

export interface BrokerLimits {
  /** New TCP/TLS connections per second, all clients together (a token bucket of one second's worth); 0: no limit. */
  connectionsPerSec: number;
  /** Sustained messages per second per device; 0: no limit. */
  deviceMessagesPerSec: number;
  /** Messages a device may send at once above the sustained rate (its offline buffer on reconnect). */
  deviceMessageBurst: number;
  /** Longest topic (publish, will, subscription filter), characters. */
  maxTopicLength: number;
  /** Most topic levels (publish, will, subscription filter). */
  maxTopicLevels: number;
  /** Failed logins for one user name, each within `authLockoutSec` of the last, before it is locked out; 0: never. */
  authFailuresPerUsername: number;
  /** Failed logins from one address before it is locked out; 0: never. */
  authFailuresPerAddress: number;
  /** How long a locked-out user name or address is refused, seconds. */
  authLockoutSec: number;
}

/**
 * The longest topic CONTRACT §1 allows: estate/v1/ (10) + site (32) + / + checkpoint (10) + /
 * + device (64) + / + telemetry (9). A limit below it would refuse legitimate devices.
 */
export const LONGEST_CONTRACT_TOPIC = 128;
/** estate/v1/{site}/{kind}/{device}/{stream}. */
export const CONTRACT_TOPIC_LEVELS = 6;

export const DEFAULT_BROKER_LIMITS: BrokerLimits = {
  // 10,000 devices reconnecting after a server restart are back within about 35 s (issue 9 asks
  // for 60 s), while a CONNECT flood costs at most 300 credential checks a second (~1.5–3 ms each:
  // under a core).
  connectionsPerSec: 300,
  // Far above any real device (a busy gate sends about 2 a second), so a burst from a site's
  // gateway, a replayed offline buffer or a load test is never slowed, while one device flooding
  // can take only a small share of ingest (tens of thousands a second). Held QoS 1 messages are
  // dropped after 10 s, so a limit that real traffic can reach would lose data.
  deviceMessagesPerSec: 1_000,
  // A device replays its offline buffer (24 h of it) on reconnect: taken at once.
  deviceMessageBurst: 5_000,
  // Twice the longest contract topic, and 8 levels to the contract's 6: a legitimate client
  // never comes near, and no topic long or deep enough to cost anything gets parsed or logged.
  maxTopicLength: 2 * LONGEST_CONTRACT_TOPIC,
  maxTopicLevels: CONTRACT_TOPIC_LEVELS + 2,
  // A device with a mistyped secret is locked out after 5 tries; a random 16-character secret
  // then takes millions of years to guess at 5 tries per 5 minutes.
  authFailuresPerUsername: 5,
  // Higher than per user name: devices behind one NAT share an address, and 6 of them with a
  // stale secret (after a rotation) must not lock the rest of the site out. Tries refused
  // because their user name is already locked out do not count here.
  authFailuresPerAddress: 30,
  authLockoutSec: 300,
};

/** Why a topic (or filter) is refused by the size limits, or undefined. Checked before any parsing. */
export function topicLimitRefusal(topic: string, limits: Pick<BrokerLimits, 'maxTopicLength' | 'maxTopicLevels'>): string | undefined {
  if (topic.length > limits.maxTopicLength) return `topic is ${topic.length} characters, over the limit of ${limits.maxTopicLength}`;
  let levels = 1;
  for (let i = 0; i < topic.length && levels <= limits.maxTopicLevels; i++) if (topic.charCodeAt(i) === 0x2f) levels++;
  if (levels > limits.maxTopicLevels) return `topic has more than ${limits.maxTopicLevels} levels`;
  return undefined;
}
