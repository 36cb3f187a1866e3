import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseDevicePayload, parseTopic } from '@estate-watch/contracts';
import { VirtualClock } from './common/clock';
import { localTime } from './common/local-time';
import { planDay, type DeviationRates } from './plans/patrol-plan';
import { startSimulator, type SimulatorHandle } from './simulator';
import { loadSiteFile } from './site-files';
import { demoDayRoutes } from './demo-day-routes.testing';
import { startTestBroker, type TestBroker } from './broker.testing';
import { startObserver, type Observer, type Seen } from './observer.testing';
import { formatTs } from './common/time';

const site = demoDayRoutes(loadSiteFile());
const DAY = '2026-11-27';
const at = (hhmm: string) => localTime(DAY, hhmm, site.site.timezone);
const SEED = 11;
const RATES: DeviationRates = { early: 0.05, late: 0.05, skipped: 0.2, outOfOrder: 0.05, unknownCard: 0.3 };

let broker: TestBroker;
let observer: Observer;
let clock: VirtualClock;
let sim: SimulatorHandle | undefined;

beforeEach(async () => {
  broker = await startTestBroker([site]);
  observer = await startObserver(broker.url, 'estate/v1/+/checkpoint/+/event');
  clock = new VirtualClock({ start: at('09:25') });
});

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
  await observer.close();
  await broker.close();
});

async function start(patrol?: boolean | { seed: number; rates: DeviationRates }): Promise<SimulatorHandle> {
  sim = await startSimulator({ url: broker.url, sites: [site], clock, heartbeats: false, log: () => undefined, patrol });
  await sim.ready();
  return sim;
}

describe('startSimulator with patrol', () => {
  it('taps the morning rounds through the checkpoint devices as planned: valid tap payloads, planned cards and times', async () => {
    await start({ seed: SEED, rates: RATES });
    const plan = planDay(site, DAY, SEED, { rates: RATES }).filter((t) => t.roundStart.getTime() === at('09:30'));
    expect(plan.some((t) => t.deviation === 'skipped')).toBe(true);
    expect(plan.some((t) => t.deviation === 'unknown_card')).toBe(true);
    await clock.advanceTo(at('11:00'));

    const walked = plan.filter((t) => t.at && t.at.getTime() >= at('09:25'));
    const seen = await observer.waitForCount(() => true, walked.length, 'patrol taps');
    const key = (device: string, ts: string, card: string) => `${device} ${ts} ${card}`;
    const sent = (m: Seen) => key(m.topic.split('/')[4]!, m.json.ts, m.json.card);
    expect(seen.map(sent).sort()).toEqual(walked.map((t) => key(t.checkpointId, formatTs(t.at!.getTime(), site.site.timezone), t.card)).sort());
    for (const m of seen) {
      const topic = parseTopic(m.topic);
      if (!topic.ok || topic.topic.stream === 'cmd') throw new Error(`bad topic ${m.topic}`);
      expect(parseDevicePayload(topic.topic.kind, topic.topic.stream, m.text, new Date(clock.now())), m.text).toMatchObject({ ok: true, payload: { type: 'tap' } });
    }
    // A skipped checkpoint hears nothing from its guard; an unknown card is no guard's card.
    for (const t of plan.filter((t) => t.deviation === 'skipped')) {
      expect(seen.filter((m) => m.topic.includes(`/${t.checkpointId}/`) && m.json.card === t.card)).toEqual([]);
    }
    const cards = new Set(site.guards.map((g) => g.card));
    const strangers = seen.filter((m) => !cards.has(m.json.card));
    expect(strangers).toHaveLength(plan.filter((t) => t.deviation === 'unknown_card').length);
    expect(observer.messages).toHaveLength(walked.length);
  });

  it('cancels every pending tap on stop()', async () => {
    const s = await start(true);
    expect(s.patrol!.upcoming().length).toBeGreaterThan(0);
    await s.stop();
    sim = undefined;
    expect(s.patrol!.upcoming()).toEqual([]);
    await clock.advanceTo(at('18:00'));
    expect(observer.messages).toEqual([]);
  });

  it('walks no patrol unless asked', async () => {
    const s = await start();
    expect(s.patrol).toBeUndefined();
    await clock.advanceTo(at('18:00'));
    expect(observer.messages).toEqual([]);
  });
});
