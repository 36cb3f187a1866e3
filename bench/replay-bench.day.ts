// A recorded demo day for the replay bench, made fresh each run (nothing large is checked in): the
// simulator (every device of the demo site, the guards walking their rounds, the living estate's
// cars, dispensers and equipment incidents) on a firmware-sim VirtualClock, publishing over MQTT to
// an in-process aedes, and firmware-sim's Recorder writing what the broker carried as JSON Lines
// (CONTRACT §7). Virtual time moves a second at a time; after each step the recorder is let catch
// up with what the broker took, so each line's receive time `t` is the second it was sent in.
import { createServer } from 'node:net';
import { Recorder, VirtualClock, loadSiteFile, silentLog, startSimulator } from '@estate-watch/firmware-sim';

export interface RecordedDay {
  file: string;
  lines: number;
  /** Wall time it took to record. */
  wallMs: number;
}

export interface DayOptions {
  file: string;
  /** Site-local instant the day starts, RFC 3339. */
  start: string;
  hours: number;
  seed: number;
  siteFile?: string;
}

const STEP_MS = 1000;

export async function recordDay(options: DayOptions): Promise<RecordedDay> {
  const started = Date.now();
  const site = loadSiteFile(options.siteFile);
  // aedes 1.x is an ES module.
  const { Aedes } = await import('aedes');
  const broker = await Aedes.createBroker();
  let carried = 0;
  broker.on('publish', (packet) => {
    if (packet.topic.startsWith('estate/v1/')) carried++;
  });
  const server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `mqtt://127.0.0.1:${(server.address() as { port: number }).port}`;
  const clock = new VirtualClock({ start: options.start });
  const recorder = new Recorder({ url, out: options.file, clock, timeZone: site.site.timezone, log: silentLog, clientId: 'replay-bench-recorder' });
  await recorder.start();
  const sim = await startSimulator({ url, sites: [site], clock, log: silentLog, seed: options.seed, patrol: true, estate: true });
  await sim.ready();
  // The recorder has what the broker carried once the counts stay equal for a few turns of the event loop.
  const caughtUp = async () => {
    for (let quiet = 0; quiet < 3; ) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      quiet = recorder.count >= carried ? quiet + 1 : 0;
    }
  };
  await caughtUp();
  const end = clock.now() + options.hours * 3600_000;
  while (clock.now() < end) {
    await clock.advance(Math.min(STEP_MS, end - clock.now()));
    await caughtUp();
  }
  // No goodbye statuses: the day ends with the devices as they were.
  await sim.stop({ announce: false });
  await caughtUp();
  await recorder.stop();
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { file: options.file, lines: recorder.count, wallMs: Date.now() - started };
}
