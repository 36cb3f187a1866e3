import { describe, expect, it } from 'vitest';
import { ref } from 'vue';
import { whenZoneKnown } from './zone-ready';

const settled = async <T>(p: Promise<T>): Promise<T | 'pending'> => Promise.race([p, new Promise<'pending'>((r) => setImmediate(() => r('pending')))]);
const BROWSER = () => 'America/New_York';

describe(whenZoneKnown.name, () => {
  it('resolves at once with a zone already known (remembered from the last visit)', async () => {
    await expect(whenZoneKnown(() => 'Asia/Shanghai', () => null, BROWSER)).resolves.toBe('Asia/Shanghai');
  });

  it("waits for the site's zone, never taking this browser's meanwhile", async () => {
    const zone = ref<string | undefined>(undefined);
    const ready = whenZoneKnown(zone, () => null, BROWSER);
    expect(await settled(ready)).toBe('pending');
    zone.value = 'Asia/Shanghai';
    expect(await settled(ready)).toBe('Asia/Shanghai');
  });

  it("takes this browser's zone only when the site list failed to load", async () => {
    const failed = ref<string | null>(null);
    const ready = whenZoneKnown(() => undefined, failed, BROWSER);
    expect(await settled(ready)).toBe('pending');
    failed.value = 'HTTP 502';
    expect(await settled(ready)).toBe('America/New_York');
  });
});
