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
// the replay may pass the oldest barrier not yet swept; default 3600000),
// REPLAY_WINDOW (messages awaiting their commit at once; default 8000), REPLAY_PROFILE (on: the
// statements, handler batches and sweeps timed, replay-profile.ts, sent with the report).
import 'reflect-metadata';
import { readRecording } from '@estate-watch/contracts';
import { startServer, type RunningServer } from '../bootstrap';
import { DATABASE, type Database } from '../db/database';
import { IngestService } from '../ingest/ingest.service';
import { ingestEntry, replayItems, replayThroughIngest } from './replay-ingest';
import { ReplayProfile } from './replay-profile';
import { ReplayTime } from './replay-time';

type Command = { replay: true } | { stop: true };

async function main(): Promise<void> {
  const file = process.env.REPLAY_FILE;
  if (!file) throw new Error('REPLAY_FILE (a recording, JSON Lines) is required');
  const tickMs = Number(process.env.REPLAY_TICK_MS ?? 60_000);
  const window = Number(process.env.REPLAY_WINDOW ?? 8000);
  const { items, skipped } = replayItems(await readRecording(file));
  const first = items[0];
  if (!first) throw new Error(`${file}: no messages to replay`);
  const time = new ReplayTime(first.at, tickMs, {
    overlap: process.env.REPLAY_OVERLAP === 'on',
    useDue: process.env.REPLAY_DUE === 'on',
    aheadMs: Number(process.env.REPLAY_AHEAD_MS ?? 3_600_000),
  });
  const profile = process.env.REPLAY_PROFILE === 'on' ? new ReplayProfile() : undefined;
  // The periods bootstrap.ts gives the sweeps, to name them in the profile.
  const sweepNames = { 5000: 'offline', 10_000: 'work-order deadlines', 2000: 'parking', 1000: 'patrol' };
  const schedule = profile ? profile.watchSchedule(time.schedule, sweepNames) : time.schedule;
  const server: RunningServer = await startServer({ clock: time.clock, schedule });
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

main().catch((error: unknown) => {
  console.error('replay server did not start:', error);
  process.exit(1);
});
