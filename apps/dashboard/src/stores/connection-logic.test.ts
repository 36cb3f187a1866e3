import { describe, expect, it } from 'vitest';
import { BEHIND_AFTER_MS, bannerLevel, DISCONNECTED_AFTER_MS, pipelineIssues } from './connection-logic';

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

describe(pipelineIssues.name, () => {
  const handler = (name: string, stored: number, applied: number, failed = 0) => ({ name, stored, applied, failed });
  it.each([
    { name: 'no health yet', health: null, issues: [] },
    { name: 'caught up', health: { lagMs: 0, handlers: [handler('equipment', 10, 10)] }, issues: [] },
    { name: 'just under the limit', health: { lagMs: BEHIND_AFTER_MS - 1, handlers: [handler('parking', 500, 100)] }, issues: [] },
    {
      name: 'at the limit: behind, with the largest backlog', // edge: the banner shows from 5 s on
      health: { lagMs: BEHIND_AFTER_MS, handlers: [handler('parking', 500, 100), handler('equipment', 900, 850)] },
      issues: [{ kind: 'behind', lagMs: BEHIND_AFTER_MS, waiting: 400 }],
    },
    { name: 'a handler gave up on messages', health: { lagMs: 0, handlers: [handler('equipment', 10, 10, 2)] }, issues: [{ kind: 'failed', handler: 'equipment', count: 2 }] },
  ])('$name', ({ health, issues }) => {
    expect(pipelineIssues(health)).toEqual(issues);
  });
});
