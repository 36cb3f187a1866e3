// `node apps/server/dist/replay/replay-main.js`: the whole server (startServer, as `npm start`
// runs it: the database, every module and handler, the embedded broker, HTTP) on virtual time,
// with a recording replayed through its ingest. Forked by bench/replay-bench.ts, which talks to it
// over IPC:
//   child → { ready: { httpUrl } }   the server is up, its clock at the recording's first line
//   parent → { replay: true }         replay every line (replay-ingest.ts)
//   child → { report }                 ReplayReport; the state stays for the parent to read over HTTP
//   parent → { stop: true }            close the server and exit
// Environment: what `npm start` reads (DATABASE_URL, DATA_DIR, SITE_CONFIG, HTTP_PORT, …), and
// REPLAY_FILE (JSON Lines, CONTRACT §7), REPLAY_TICK_MS (the sweeps' grid, replay-time.ts; default
// 60000), REPLAY_OVERLAP (on: sweeps overlap the replay, replay-time.ts; default off),
// REPLAY_DUE (on: sweeps run when next due, replay-time.ts), REPLAY_AHEAD_MS (overlapped: how far
// the replay may pass the oldest barrier not yet swept; default 3600000), REPLAY_RESUME_MS (held
// there, it goes on once no barrier older than this waits; default REPLAY_AHEAD_MS),
// REPLAY_WINDOW (messages awaiting their commit at once; default 32000), REPLAY_COMMIT_BATCH and
// REPLAY_HANDLER_BATCH (ingestOptions below; default 8000 and 5000), REPLAY_PROFILE (on: the
// statements, handler batches and sweeps timed, replay-profile.ts, sent with the report).
import 'reflect-metadata';
import { readRecording } from '@estate-watch/contracts';
import { startServer, type RunningServer } from '../bootstrap';
import { DATABASE, type Database } from '../db/database';
import { IngestService, type IngestOptions } from '../ingest/ingest.service';
import { ingestEntry, replayItems, replayThroughIngest } from './replay-ingest';
import { ReplayProfile } from './replay-profile';
import { ReplayTime } from './replay-time';

type Command = { replay: true } | { stop: true };

/**
 * The replay's batch sizes (issue 9.7): a live server's are 2,000 messages a commit and 500 a
 * handler's batch; the devices handler takes every message, and at 500 it paced the whole replay
 * (each barrier waits for it).
 */
const DEFAULT_COMMIT_BATCH = 8000;
const DEFAULT_HANDLER_BATCH = 5000;

async function main(): Promise<void> {
  const file = process.env.REPLAY_FILE;
  if (!file) throw new Error('REPLAY_FILE (a recording, JSON Lines) is required');
  const tickMs = Number(process.env.REPLAY_TICK_MS ?? 60_000);
  const window = Number(process.env.REPLAY_WINDOW ?? 32_000);
  const { items, skipped } = replayItems(await readRecording(file));
  const first = items[0];
  if (!first) throw new Error(`${file}: no messages to replay`);
  const time = new ReplayTime(first.at, tickMs, {
    overlap: process.env.REPLAY_OVERLAP === 'on',
    useDue: process.env.REPLAY_DUE === 'on',
    aheadMs: Number(process.env.REPLAY_AHEAD_MS ?? 3_600_000),
    ...(process.env.REPLAY_RESUME_MS && { resumeMs: Number(process.env.REPLAY_RESUME_MS) }),
  });
  const profile = process.env.REPLAY_PROFILE === 'on' ? new ReplayProfile() : undefined;
  // The periods bootstrap.ts gives the sweeps, to name them in the profile.
  const sweepNames = { 5000: 'offline', 10_000: 'work-order deadlines', 2000: 'parking', 1000: 'patrol' };
  const schedule = profile ? profile.watchSchedule(time.schedule, sweepNames) : time.schedule;
  // Larger batches than a live server's (virtual time lets a handler apply far more at once; the
  // barriers still wait for what came before each sweep): fewer transactions for the same messages.
  const server: RunningServer = await startServer({ clock: time.clock, schedule, ingest: ingestOptions(process.env) });
  const ingest = server.app.get(IngestService);
  if (profile) {
    profile.watchDatabase(server.app.get<symbol, Database>(DATABASE));
    profile.watchHandlers(ingest.handlers);
  }
  const send = (message: object) => process.send?.(message);
  process.on('message', (message: unknown) => {
    const command = message as Command;
    if ('stop' in command) {
      void server.close().then(() => process.exit(0), () => process.exit(1));
      return;
    }
    // The exact sweep is patrol's (PatrolService.sweepDue): it judges the taps its handler applied.
    const patrol = ingest.handlers.find((h) => h.name === 'patrol');
    const exact = patrol && { handler: patrol.name, selects: patrol.selects };
    replayThroughIngest(items, ingestEntry(ingest), time, { window, skipped, exact }).then(
      (report) => send({ report: { ...report, profile: profile?.report() } }),
      (error: unknown) => send({ error: String(error) }),
    );
  });
  process.once('disconnect', () => void server.close().finally(() => process.exit(0)));
  send({ ready: { httpUrl: server.httpUrl } });
}

/** REPLAY_COMMIT_BATCH (most messages in one grouped commit) and REPLAY_HANDLER_BATCH (in one handler's batch); 0: a live server's. */
function ingestOptions(env: NodeJS.ProcessEnv): IngestOptions {
  const commit = Number(env.REPLAY_COMMIT_BATCH ?? DEFAULT_COMMIT_BATCH);
  const handler = Number(env.REPLAY_HANDLER_BATCH ?? DEFAULT_HANDLER_BATCH);
  return { ...(commit > 0 && { maxBatch: commit }), ...(handler > 0 && { pipeline: { maxBatch: handler } }) };
}

main().catch((error: unknown) => {
  console.error('replay server did not start:', error);
  process.exit(1);
});
