import { describe, expect, it } from 'vitest';
import { bannerLevel, DISCONNECTED_AFTER_MS } from './connection-logic';

describe(bannerLevel.name, () => {
  it.each([
    { link: 'connected', elapsed: 999_999, level: 'ok' },
    { link: 'connecting', elapsed: 0, level: 'pending' },
    { link: 'reconnecting', elapsed: 0, level: 'warn' },
    { link: 'reconnecting', elapsed: DISCONNECTED_AFTER_MS - 1, level: 'warn' },
    { link: 'reconnecting', elapsed: DISCONNECTED_AFTER_MS, level: 'down' }, // edge: red from the limit on
  ] as const)('$link for $elapsed ms → $level', ({ link, elapsed, level }) => {
    expect(bannerLevel(link, 1_000_000, 1_000_000 + elapsed)).toBe(level);
  });
});
