import { describe, expect, it } from 'vitest';
import { deviceFilter, FILTERS_PER_SUBSCRIBE, fnv1a32, shardOf, shardSubscriptions, type ConsumedDevice } from './external-broker-shards';

const devices: ConsumedDevice[] = Array.from({ length: 1000 }, (_, i) => ({ siteId: i % 2 ? 'lakeside' : 'hillside', kind: 'sensor', id: `s-${i}` }));

describe(shardSubscriptions.name, () => {
  it.each([
    { text: '', hash: 0x811c9dc5 }, // FNV-1a reference vectors
    { text: 'a', hash: 0xe40c292c },
    { text: 'foobar', hash: 0xbf9cf968 },
  ])('hashes "$text" as FNV-1a 32', ({ text, hash }) => {
    expect(fnv1a32(text)).toBe(hash);
  });

  it('puts every device on exactly one connection, the one its hash names', () => {
    const plan = shardSubscriptions(devices, 8);
    expect(plan).toHaveLength(8);
    const all = plan.flat(2);
    expect(new Set(all).size).toBe(devices.length);
    for (const d of devices) expect(plan[shardOf(d.siteId, d.id, 8)]?.flat()).toContain(deviceFilter(d));
  });

  it('spreads devices roughly evenly', () => {
    const sizes = shardSubscriptions(devices, 8).map((batches) => batches.flat().length);
    for (const size of sizes) expect(size).toBeGreaterThan(1000 / 8 / 2);
  });

  it('subscribes a device to all its streams: estate/v1/{site}/{kind}/{device}/+', () => {
    expect(deviceFilter({ siteId: 'lakeside', kind: 'gate', id: 'gate-1' })).toBe('estate/v1/lakeside/gate/gate-1/+');
  });

  it(`batches at most ${FILTERS_PER_SUBSCRIBE} filters a SUBSCRIBE, under Mosquitto's 16 KiB packet cap`, () => {
    const longest: ConsumedDevice[] = Array.from({ length: 300 }, (_, i) => ({ siteId: 'a'.repeat(32), kind: 'dispenser', id: `${i}`.padEnd(64, 'x') }));
    for (const batch of shardSubscriptions(longest, 1)[0] ?? []) {
      expect(batch.length).toBeLessThanOrEqual(FILTERS_PER_SUBSCRIBE);
      expect(batch.reduce((bytes, filter) => bytes + 3 + filter.length, 5)).toBeLessThan(16_384);
    }
  });

  it('keeps a device on its connection whatever else is configured', () => {
    const d = devices[7] as ConsumedDevice;
    const among1000 = shardSubscriptions(devices, 8).findIndex((batches) => batches.flat().includes(deviceFilter(d)));
    expect(shardSubscriptions([d], 8)[among1000]?.flat()).toEqual([deviceFilter(d)]);
  });
});
