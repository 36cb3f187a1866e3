#!/usr/bin/env node
// estate-sim: run the virtual estate, record live traffic, or replay a recording.
import { parseArgs } from 'node:util';
import { systemClock } from '../common/clock';
import { consoleLog } from '../common/log';
import { Recorder } from '../record-replay/recorder';
import { readRecording } from '../record-replay/recording';
import { replay } from '../record-replay/replay';
import { clientPublisher, connectAsync, devicePublisher, type ReplayPublisher } from '../record-replay/replay-publishers';
import { startSimulator } from '../simulator';
import { DEMO_SITE_FILE, loadSiteFiles } from '../site-files';
import { lotOccupancy, waitForServer } from './server-link';

const USAGE = `estate-sim — virtual devices for Estate Watch

  estate-sim run    [--url mqtt://127.0.0.1:1883] [--site file.yaml ...] [--seed n] [--patrol] [--estate [--speed 60]]
                    [--server http://127.0.0.1:3000 [--api-user admin]] [--opening] [--quiet-stop]
  estate-sim record [--url ...] --out file.jsonl [--username u --password p] [--topic estate/v1/#] [--tz Asia/Shanghai]
  estate-sim replay [--url ...] --in file.jsonl [--speed 10] [--shift-ts]
                    [--site file.yaml ... | --username u --password p]

--site: a site file or a folder of them; default the bundled demo site (${DEMO_SITE_FILE}).
--patrol: guards walk the sites' routes on schedule, tapping the checkpoints (seeded by --seed).
--estate: cars through the gates, dispensers used and refilled, equipment cycles and incidents;
          with run, --speed lives the estate's day that many times faster (payload ts stay real).
--server: wait until that Estate Watch server answers, then start the lots from its counts
          (signing in as --api-user with the password in ADMIN_PASSWORD, default "demo").
--opening: the demo's first two minutes (a low dispenser, a gate fault, a reading over its limit,
          an early tap); needs --patrol and --estate.
--quiet-stop: on Ctrl-C the devices disconnect without announcing offline (they stop with the server).
Replay connects as each recorded device with the site file's secrets, or as one account with --username.`;

const options = {
  url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
  site: { type: 'string', multiple: true },
  seed: { type: 'string' },
  out: { type: 'string' },
  in: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  topic: { type: 'string' },
  tz: { type: 'string' },
  speed: { type: 'string', default: '1' },
  'shift-ts': { type: 'boolean', default: false },
  patrol: { type: 'boolean', default: false },
  estate: { type: 'boolean', default: false },
  server: { type: 'string' },
  'api-user': { type: 'string', default: 'admin' },
  opening: { type: 'boolean', default: false },
  'quiet-stop': { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Args = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true });
  const command = positionals[0];
  if (values.help || !command) return void console.log(USAGE);
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  switch (command) {
    case 'run':
      return run(values);
    case 'record':
      return record(values);
    case 'replay':
      return replayFile(values);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function run(args: Args): Promise<void> {
  if (args.opening && !(args.patrol && args.estate)) throw new UsageError('--opening needs --patrol and --estate');
  const seed = args.seed === undefined ? undefined : number('--seed', args.seed);
  const speed = number('--speed', args.speed);
  if (args.server) {
    consoleLog('info', `waiting for the server at ${args.server}`);
    try {
      await waitForServer(args.server, { signal: stopRequested.signal });
    } catch (error) {
      // Ctrl-C while the server is still starting: nothing to stop yet.
      if (stopRequested.signal.aborted) return;
      throw error;
    }
  }
  const sites = (args.site ?? [DEMO_SITE_FILE]).flatMap((path) => loadSiteFiles(path));
  // The virtual cars start from the counts the server already holds, so a restart does not overfill the lots.
  const occupancy = args.server && args.estate ? await lotOccupancy(args.server, { username: args['api-user'], password: process.env.ADMIN_PASSWORD ?? 'demo' }) : undefined;
  if (occupancy) consoleLog('info', `estate: the lots start from the server's counts (${Object.entries(occupancy).map(([lot, n]) => `${lot} ${n}`).join(', ')})`);
  const estate = args.estate && { speed, occupancy };
  if (args.opening) consoleLog('info', 'demo opening: within 2 minutes a low dispenser, a gate fault, a reading over its limit and an early tap');
  const sim = await startSimulator({ url: args.url, sites, seed, log: consoleLog, patrol: args.patrol, estate, opening: args.opening });
  await stopRequested.promise;
  await sim.stop({ announce: !args['quiet-stop'] });
}

async function record(args: Args): Promise<void> {
  if (!args.out) throw new UsageError('record needs --out file.jsonl');
  const recorder = new Recorder({
    url: args.url,
    username: args.username,
    password: args.password,
    out: args.out,
    topic: args.topic,
    timeZone: args.tz,
    log: consoleLog,
  });
  await recorder.start();
  await stopRequested.promise;
  await recorder.stop();
  consoleLog('info', `recorded ${recorder.count} messages to ${args.out}`);
}

async function replayFile(args: Args): Promise<void> {
  if (!args.in) throw new UsageError('replay needs --in file.jsonl');
  const speed = number('--speed', args.speed);
  if (!(speed > 0)) throw new UsageError('--speed must be above 0');
  const recording = await readRecording(args.in);
  const publisher: ReplayPublisher = args.username
    ? clientPublisher(await connectAsync(args.url, { username: args.username, password: args.password, clientId: `replay-${process.pid}` }))
    : devicePublisher({ url: args.url, sites: (args.site ?? [DEMO_SITE_FILE]).flatMap((path) => loadSiteFiles(path)), log: consoleLog });
  try {
    const { published } = await replay(recording, {
      clock: systemClock,
      speed,
      shiftTs: args['shift-ts'],
      signal: stopRequested.signal,
      publish: (m) => publisher.publish(m),
    });
    consoleLog('info', `replayed ${published} messages from ${args.in}`);
  } finally {
    await publisher.close();
  }
}

/**
 * The first SIGINT or SIGTERM asks for a clean stop; later ones are ignored while it runs. Started by
 * npm start's launcher (scripts/start.mjs, an IPC channel), the channel closing means the launcher is
 * gone, even by kill -9: stop too rather than run on unseen.
 */
function whenStopRequested(): { promise: Promise<void>; signal: AbortSignal } {
  const abort = new AbortController();
  const promise = new Promise<void>((resolve) => {
    const stop = () => {
      abort.abort();
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.once('disconnect', stop);
  });
  return { promise, signal: abort.signal };
}

function number(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got "${text}"`);
  return n;
}

class UsageError extends Error {}

const stopRequested = whenStopRequested();

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`estate-sim: ${err.message}`);
    const code = (err as { code?: unknown }).code;
    if (err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) console.error(`\n${USAGE}`);
    process.exit(err.name === 'AbortError' ? 130 : 1);
  },
);
