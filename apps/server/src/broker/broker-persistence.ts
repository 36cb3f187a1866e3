/// <reference path="./aedes-persistence-level.d.ts" />
// What the embedded broker keeps between runs: persistent sessions (subscriptions and the QoS 1
// messages queued for an offline client, e.g. a gate's cmd) and retained messages. With a data
// directory they live in a LevelDB under it (aedes-persistence-level, the aedes project's own,
// on classic-level); without one (tests) in memory, as aedes does by default.
//
// Why not the SQL database: aedes asks its persistence for every subscription match and queued
// packet; a LevelDB in the same DATA_DIR serves those in microseconds without a round trip,
// and nothing else needs to query them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import memoryPersistence, { type AedesPersistence } from 'aedes-persistence';
import levelPersistence from 'aedes-persistence-level';
import { ClassicLevel } from 'classic-level';

export interface BrokerPersistence {
  /** Handed to aedes. */
  readonly store: AedesPersistence;
  /** Subscription filters a stored session of `clientId` holds (none for an unknown id). */
  subscriptionsOf(clientId: string): Promise<string[]>;
  /** Drops the last wills a previous run left: see clearStaleWills. */
  clearStaleWills(): Promise<number>;
  close(): Promise<void>;
}

/** The folder under DATA_DIR. */
export const BROKER_STATE_DIR = 'mqtt-sessions';

export async function openBrokerPersistence(dataDir: string | undefined): Promise<BrokerPersistence> {
  if (dataDir === undefined) {
    return wrap(memoryPersistence(), async () => undefined);
  }
  const path = join(dataDir, BROKER_STATE_DIR);
  mkdirSync(path, { recursive: true });
  const db = new ClassicLevel<string, Buffer>(path);
  try {
    await db.open();
  } catch (error) {
    // The usual cause: another server running on the same DATA_DIR holds LevelDB's lock.
    const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new Error(`cannot open the MQTT session store in ${path}: ${cause}. Is another Estate Watch server using DATA_DIR ${dataDir}?`);
  }
  return wrap(levelPersistence(db), () => db.close());
}

interface StoredWill {
  clientId: string;
  brokerId: string;
}

function wrap(store: AedesPersistence, close: () => Promise<void>): BrokerPersistence {
  const asPromises = store as unknown as {
    subscriptionsByClient(client: { id: string }): Promise<{ topic: string }[] | null>;
    streamWill(brokers: Record<string, number>): Readable;
    delWill(client: { id: string; brokerId: string }): Promise<unknown>;
  };
  return {
    store,
    async subscriptionsOf(clientId) {
      const subs = await asPromises.subscriptionsByClient({ id: clientId });
      return (subs ?? []).map((s) => s.topic);
    },
    /**
     * A will left by the previous run belongs to a connection that ended with that run: the
     * server stopping is not the device going offline, and a device still away is found by its
     * silence (3 × heartbeatSec, CONTRACT §4). Left in place, aedes would publish them, with no
     * client, minutes after the start.
     */
    async clearStaleWills() {
      let cleared = 0;
      for await (const will of asPromises.streamWill({}) as AsyncIterable<StoredWill>) {
        await asPromises.delWill({ id: will.clientId, brokerId: will.brokerId });
        cleared++;
      }
      return cleared;
    },
    close,
  };
}
