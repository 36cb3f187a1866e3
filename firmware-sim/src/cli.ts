#!/usr/bin/env node
// estate-sim: run the virtual estate, record live traffic, or replay a recording.
import { parseArgs } from 'node:util';
import { systemClock } from './clock';
import { consoleLog } from './log';
import { Recorder } from './recorder';
import { readRecording } from './recording';
import { replay } from './replay';
import { clientPublisher, connectAsync, devicePublisher, type ReplayPublisher } from './replay-publishers';
import { startSimulator } from './simulator';
import { DEMO_SITE_FILE, loadSiteFile } from './site-files';

const USAGE = `estate-sim — virtual devices for Estate Watch

  estate-sim run    [--url mqtt://127.0.0.1:1883] [--site file.yaml ...] [--seed n] [--patrol] [--estate [--speed 60]]
  estate-sim record [--url ...] --out file.jsonl [--username u --password p] [--topic estate/v1/#] [--tz Asia/Shanghai]
  estate-sim replay [--url ...] --in file.jsonl [--speed 10] [--shift-ts]
                    [--site file.yaml ... | --username u --password p]

--site defaults to the bundled demo site (${DEMO_SITE_FILE}).
--patrol: guards walk the sites' routes on schedule, tapping the checkpoints (seeded by --seed).
--estate: cars through the gates, dispensers used and refilled, equipment cycles and incidents;
          with run, --speed lives the estate's day that many times faster (payload ts stay real).
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
  const sites = (args.site ?? [DEMO_SITE_FILE]).map((file) => loadSiteFile(file));
  const seed = args.seed === undefined ? undefined : number('--seed', args.seed);
  const estate = args.estate && { speed: number('--speed', args.speed) };
  const sim = await startSimulator({ url: args.url, sites, seed, log: consoleLog, patrol: args.patrol, estate });
  await untilSignal();
  await sim.stop();
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
  await untilSignal();
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
    : devicePublisher({ url: args.url, sites: (args.site ?? [DEMO_SITE_FILE]).map((f) => loadSiteFile(f)), log: consoleLog });
  const abort = new AbortController();
  void untilSignal().then(() => abort.abort());
  try {
    const { published } = await replay(recording, {
      clock: systemClock,
      speed,
      shiftTs: args['shift-ts'],
      signal: abort.signal,
      publish: (m) => publisher.publish(m),
    });
    consoleLog('info', `replayed ${published} messages from ${args.in}`);
  } finally {
    await publisher.close();
  }
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

function number(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n)) throw new UsageError(`${flag} must be a number, got "${text}"`);
  return n;
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`estate-sim: ${err.message}`);
    const code = (err as { code?: unknown }).code;
    if (err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) console.error(`\n${USAGE}`);
    process.exit(err.name === 'AbortError' ? 130 : 1);
  },
);
