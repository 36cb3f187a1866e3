// Settings of services that follow from the environment, each a typed object behind a token
// (ConfigModule provides them). A service reads its settings in its constructor and keeps them:
// nothing sets a field on a service after Nest built it. Tests change a setting through the env
// they start with (`startServer({ env: { gateAckTimeoutMs: 300 } })`), or by providing the token.
import type { Database } from '../db/database';
import type { Env } from './env';

/** Several servers share the work (cluster/README.md): CLUSTER on, an external broker and PostgreSQL. */
export interface ClusterMode {
  enabled: boolean;
}

export const CLUSTER_MODE = Symbol('CLUSTER_MODE');

export function clusterMode(env: Pick<Env, 'cluster' | 'mqttUrl'>, db: Pick<Database, 'kind'>): ClusterMode {
  // PGlite is one process's own database, and the embedded broker one process's own broker.
  return { enabled: env.cluster === true && Boolean(env.mqttUrl) && db.kind === 'postgres' };
}

/** POST /api/gates/{id}/open (CONTRACT §6). */
export interface GateCommandOptions {
  /** How long a caller waits for the gate's ack (wall time: it is a network round trip, not a rule). */
  ackTimeoutMs: number;
  /** Several servers: how often a waiting caller reads the command's row for an ack recorded elsewhere (unset: never). */
  ackPollMs?: number;
}

export const GATE_COMMAND_OPTIONS = Symbol('GATE_COMMAND_OPTIONS');

/** A gate answers within a second on a working network; ten leave room for a slow link before the operator hears 504. */
export const DEFAULT_GATE_ACK_TIMEOUT_MS = 10_000;
/** Often enough that an ack recorded by another server reaches the caller without a noticeable wait. */
const CLUSTER_ACK_POLL_MS = 200;

export function gateCommandOptions(env: Pick<Env, 'gateAckTimeoutMs'>, cluster: ClusterMode): GateCommandOptions {
  return {
    ackTimeoutMs: env.gateAckTimeoutMs ?? DEFAULT_GATE_ACK_TIMEOUT_MS,
    // The ack of a command sent through this server may be ingested by another: look in the audit row too.
    ...(cluster.enabled && { ackPollMs: CLUSTER_ACK_POLL_MS }),
  };
}
