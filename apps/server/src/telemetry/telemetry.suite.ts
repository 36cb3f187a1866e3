// Stored telemetry (issue 5.4), run on PGlite (unit suite) and PostgreSQL (service suite):
// readings go in through the real ingest path (validation, grouped commit, dedup) and come out
// through TelemetryService as GET /api/telemetry answers.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTopic, type DeviceKind, type TelemetryBucketDto, type TelemetryDto, type TelemetryPointDto, type TelemetryQuery } from '@estate-watch/contracts';
import { ManualClock } from '../common/clock';
import { openTestDatabase, type Backend, type TestDatabase } from '../db/database.testing';
import { IngestRepository } from '../ingest/ingest.repository';
import { IngestService } from '../ingest/ingest.service';
import { SitesService } from '../sites/sites.service';
import { testSite } from '../sites/sites.testing';
import { TelemetryRepository } from './telemetry.repository';
import { TelemetryService } from './telemetry.service';

const NOW = '2026-11-27T02:00:00Z';

export function telemetrySuite(backend: Backend): void {
  describe(`telemetry on ${backend}`, () => {
    let t: TestDatabase;
    let clock: ManualClock;
    let ingest: IngestService;
    let telemetry: TelemetryService;
    let n = 0;

    beforeAll(async () => {
      t = await openTestDatabase(backend);
      const sites = new SitesService([testSite()], t.db);
      await sites.syncToDatabase();
      clock = new ManualClock(NOW);
      ingest = new IngestService(new IngestRepository(t.db), sites, clock);
      await ingest.start();
      telemetry = new TelemetryService(new TelemetryRepository(t.db), clock, { maxRawPoints: 3 });
    });
    afterAll(async () => {
      await ingest?.stop();
      await t.drop();
    });
    beforeEach(async () => {
      await t.db.query('DELETE FROM telemetry');
      await t.db.query('DELETE FROM message_ids');
    });

    /** One telemetry message through ingest, as the broker hands it over. */
    async function send(kind: DeviceKind, device: string, at: string, body: Record<string, unknown>, id = `m${++n}`): Promise<string> {
      const outcome = await ingest.submit({
        topic: buildTopic({ site: 'testsite', kind, device, stream: 'telemetry' }),
        payload: Buffer.from(JSON.stringify({ id, ts: at, ...body })),
        publisher: { site: 'testsite', device },
      });
      return outcome.status;
    }
    const temperature = (at: string, value: number | boolean, metric = 'temperature_c') => send('sensor', 'boiler-1', at, { readings: { [metric]: value } });
    const rows = () =>
      t.db.query<{ device_id: string; metric: string; value: number; time: Date }>(
        'SELECT device_id, metric, value, time FROM telemetry ORDER BY device_id, metric COLLATE "C", time',
      );
    const ask = (q: Partial<TelemetryQuery>) => telemetry.query({ device: 'boiler-1', ...q });
    const raw = (answer: TelemetryDto) => Object.fromEntries(answer.series.map((s) => [s.metric, (s.points as TelemetryPointDto[]).map((p) => [p.t.slice(11, 19), p.v])]));
    const buckets = (answer: TelemetryDto, metric = 'temperature_c') => (answer.series.find((s) => s.metric === metric)?.points ?? []) as TelemetryBucketDto[];

    describe('what is stored', () => {
      it('a gate barrier is one row, metric barrier: 0 closed, 1 open, 2 fault, at the device time', async () => {
        await send('gate', 'gate-1', '2026-11-27T01:00:00+08:00', { barrier: 'closed' }); // 2026-11-26T17:00Z
        await send('gate', 'gate-1', '2026-11-27T01:00:05+08:00', { barrier: 'open' });
        await send('gate', 'gate-1', '2026-11-27T01:00:09+08:00', { barrier: 'fault', fault: 'E42' });
        expect((await rows()).map((r) => [r.metric, r.value, new Date(r.time).toISOString()])).toEqual([
          ['barrier', 0, '2026-11-26T17:00:00.000Z'],
          ['barrier', 1, '2026-11-26T17:00:05.000Z'],
          ['barrier', 2, '2026-11-26T17:00:09.000Z'],
        ]);
      });

      it('a dispenser gives level, and battery when it sends one', async () => {
        await send('dispenser', 'soap-1', '2026-11-27T01:00:00Z', { level: 42.5, battery: 88 });
        await send('dispenser', 'soap-1', '2026-11-27T01:01:00Z', { level: 41 });
        expect((await rows()).map((r) => [r.metric, r.value])).toEqual([
          ['battery', 88],
          ['level', 42.5],
          ['level', 41],
        ]);
      });

      it('a sensor gives one row per reading; a boolean is 0/1 under its own name', async () => {
        await send('sensor', 'boiler-1', '2026-11-27T01:00:00Z', { readings: { temperature_c: 71.25, pressure_kpa: 310, leak: false, door_open: true } });
        expect((await rows()).map((r) => [r.metric, r.value])).toEqual([
          ['door_open', 1],
          ['leak', 0],
          ['pressure_kpa', 310],
          ['temperature_c', 71.25],
        ]);
      });

      it('events and statuses are not telemetry; a rejected reading stores nothing', async () => {
        await ingest.submit({
          topic: buildTopic({ site: 'testsite', kind: 'sensor', device: 'boiler-1', stream: 'event' }),
          payload: Buffer.from(JSON.stringify({ id: 'ev-1', ts: '2026-11-27T01:00:00Z', type: 'fault', code: 'E1' })),
          publisher: { site: 'testsite', device: 'boiler-1' },
        });
        expect(await send('sensor', 'boiler-1', '2026-11-27T01:00:00Z', { readings: { 'Bad-Name': 1 } })).toBe('rejected');
        expect(await rows()).toEqual([]);
      });

      it('a redelivered message is stored once, in a later batch or the same one', async () => {
        const reading = { readings: { temperature_c: 70, leak: false } };
        expect(await send('sensor', 'boiler-1', '2026-11-27T01:00:00Z', reading, 'dup-1')).toBe('accepted');
        expect(await send('sensor', 'boiler-1', '2026-11-27T01:00:00Z', reading, 'dup-1')).toBe('duplicate');
        const sameBatch = await Promise.all([1, 2, 3].map(() => send('sensor', 'boiler-1', '2026-11-27T01:00:01Z', reading, 'dup-2')));
        expect(sameBatch.sort()).toEqual(['accepted', 'duplicate', 'duplicate']);
        expect(await rows()).toHaveLength(4);
      });
    });

    describe('raw points', () => {
      beforeEach(async () => {
        await send('sensor', 'boiler-1', '2026-11-27T01:00:00Z', { readings: { temperature_c: 70, leak: false } });
        await send('sensor', 'boiler-1', '2026-11-27T01:00:30Z', { readings: { temperature_c: 72 } });
        await send('sensor', 'boiler-1', '2026-11-27T01:01:00Z', { readings: { temperature_c: 74, leak: true } });
        await send('dispenser', 'soap-1', '2026-11-27T01:00:30Z', { level: 50 });
      });

      it('every metric of the device by name, points in time order; from inclusive, to exclusive', async () => {
        const answer = await ask({ from: '2026-11-27T01:00:00Z', to: '2026-11-27T01:01:00Z' });
        expect(answer).toMatchObject({ device: 'boiler-1', site: 'testsite', step: null, truncated: false, maxPoints: 3 });
        expect(answer.from).toBe('2026-11-27T01:00:00.000Z');
        expect(raw(answer)).toEqual({ leak: [['01:00:00', 0]], temperature_c: [['01:00:00', 70], ['01:00:30', 72]] });
      });

      it('one metric when asked; other devices never mix in', async () => {
        expect(raw(await ask({ metric: 'leak', from: '2026-11-27T00:00:00Z', to: '2026-11-27T02:00:00Z' }))).toEqual({ leak: [['01:00:00', 0], ['01:01:00', 1]] });
        expect(raw(await telemetry.query({ device: 'soap-1', from: '2026-11-27T00:00:00Z', to: '2026-11-27T02:00:00Z' }))).toEqual({ level: [['01:00:30', 50]] });
      });

      it('default range: the hour up to now', async () => {
        clock.set('2026-11-27T01:30:30Z');
        const answer = await ask({});
        expect([answer.from, answer.to]).toEqual(['2026-11-27T00:30:30.000Z', '2026-11-27T01:30:30.000Z']);
        expect(raw(answer).temperature_c).toHaveLength(3);
        clock.set(NOW);
      });

      it('a series is cut at maxPoints, earliest first, and the answer says so', async () => {
        await temperature('2026-11-27T01:01:30Z', 75);
        const answer = await ask({ from: '2026-11-27T00:00:00Z', to: '2026-11-27T02:00:00Z' });
        expect(answer.truncated).toBe(true);
        expect(answer.series.map((s) => [s.metric, s.points.length, s.truncated])).toEqual([
          ['leak', 2, false],
          ['temperature_c', 3, true],
        ]);
        expect(raw(answer).temperature_c).toEqual([['01:00:00', 70], ['01:00:30', 72], ['01:01:00', 74]]);
      });

      it('exactly maxPoints is not truncated; a metric without points in range is left out', async () => {
        const answer = await ask({ from: '2026-11-27T01:00:10Z', to: '2026-11-27T01:01:30Z' });
        expect(answer.truncated).toBe(false);
        expect(raw(answer)).toEqual({ leak: [['01:01:00', 1]], temperature_c: [['01:00:30', 72], ['01:01:00', 74]] });
        expect((await ask({ metric: 'nothing_here', from: '2026-11-27T00:00:00Z', to: '2026-11-27T02:00:00Z' })).series).toEqual([]);
      });
    });

    describe('downsampled', () => {
      beforeEach(async () => {
        // 01:00 bucket: 70, 72, 77 → avg 73, min 70, max 77. 01:01: 74. 01:02: none. 01:03: 80, 60 → avg 70.
        for (const [at, v] of [['01:00:00', 70], ['01:00:30', 72], ['01:00:59.999', 77], ['01:01:00', 74], ['01:03:10', 80], ['01:03:50', 60]] as const) {
          await temperature(`2026-11-27T${at}Z`, v);
        }
      });

      it('avg/min/max/count per 1-minute bucket, buckets without readings left out', async () => {
        const answer = await ask({ from: '2026-11-27T01:00:00Z', to: '2026-11-27T01:05:00Z', step: '1m' });
        expect(answer.step).toBe('1m');
        expect(buckets(answer)).toEqual([
          { t: '2026-11-27T01:00:00.000Z', avg: 73, min: 70, max: 77, count: 3 },
          { t: '2026-11-27T01:01:00.000Z', avg: 74, min: 74, max: 74, count: 1 },
          { t: '2026-11-27T01:03:00.000Z', avg: 70, min: 60, max: 80, count: 2 },
        ]);
      });

      it('bucket bounds do not move with from: a range starting mid-bucket gets that bucket, partly', async () => {
        const answer = await ask({ from: '2026-11-27T01:00:20Z', to: '2026-11-27T01:03:30Z', step: '1m' });
        expect(buckets(answer)).toEqual([
          { t: '2026-11-27T01:00:00.000Z', avg: 74.5, min: 72, max: 77, count: 2 },
          { t: '2026-11-27T01:01:00.000Z', avg: 74, min: 74, max: 74, count: 1 },
          { t: '2026-11-27T01:03:00.000Z', avg: 80, min: 80, max: 80, count: 1 },
        ]);
      });

      it('5m and 10s steps', async () => {
        expect(buckets(await ask({ from: '2026-11-27T00:58:00Z', to: '2026-11-27T01:10:00Z', step: '5m' }))).toEqual([
          { t: '2026-11-27T01:00:00.000Z', avg: 72.16666666666667, min: 60, max: 80, count: 6 },
        ]);
        expect(buckets(await ask({ from: '2026-11-27T01:00:00Z', to: '2026-11-27T01:01:00Z', step: '10s' })).map((b) => [b.t.slice(11, 19), b.count])).toEqual([
          ['01:00:00', 1],
          ['01:00:30', 1],
          ['01:00:50', 1],
        ]);
      });

      it('1d buckets start at site-local midnight (Asia/Shanghai: 16:00 UTC)', async () => {
        await temperature('2026-11-26T15:59:00Z', 50); // 23:59 on the 26th, local
        await temperature('2026-11-26T16:01:00Z', 90); // 00:01 on the 27th, local
        const answer = await ask({ from: '2026-11-26T00:00:00Z', to: '2026-11-27T02:00:00Z', step: '1d' });
        expect(buckets(answer).map((b) => [b.t, b.avg, b.count])).toEqual([
          ['2026-11-25T16:00:00.000Z', 50, 1],
          ['2026-11-26T16:00:00.000Z', (90 + 70 + 72 + 77 + 74 + 80 + 60) / 7, 7],
        ]);
      });

      it('a boolean metric averages to the share of true readings', async () => {
        for (const [at, v] of [['01:00:00', false], ['01:00:10', true], ['01:00:20', true], ['01:00:30', false]] as const) {
          await temperature(`2026-11-27T${at}Z`, v, 'leak');
        }
        expect(buckets(await ask({ metric: 'leak', from: '2026-11-27T01:00:00Z', to: '2026-11-27T01:01:00Z', step: '1m' }), 'leak')).toEqual([
          { t: '2026-11-27T01:00:00.000Z', avg: 0.5, min: 0, max: 1, count: 4 },
        ]);
      });
    });

    describe('refused', () => {
      it.each([
        [{ from: '2026-11-27T01:00:00Z', to: '2026-11-27T01:00:00Z' }, /from .* must be before to/],
        [{ from: '2026-10-01T00:00:00Z', to: '2026-11-02T00:00:00Z' }, /at most 31 days.*32\.0 days/],
        [{ from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', step: '1m' }, /44640 buckets.*at least 268s/],
      ])('%o', async (q, message) => {
        await expect(ask(q)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(message) });
      });

      it('31 days exactly, and 31 days at 5m, are fine', async () => {
        await expect(ask({ from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' })).resolves.toMatchObject({ series: [] });
        await expect(ask({ from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z', step: '5m' })).resolves.toMatchObject({ series: [] });
      });

      it('an unknown device is 404', async () => {
        await expect(telemetry.query({ device: 'no-such' })).rejects.toMatchObject({ status: 404, message: 'no device no-such' });
        await expect(telemetry.query({ device: 'boiler-1', site: 'elsewhere' })).rejects.toMatchObject({ status: 404 });
      });
    });
  });
}
