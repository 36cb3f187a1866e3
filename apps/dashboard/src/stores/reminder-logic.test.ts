import type { AlertDto } from '@estate-watch/contracts';
import { describe, expect, it } from 'vitest';
import { chimeForRaise, isMuted, needsReminder, shiftEnd, unacknowledgedCritical } from './reminder-logic';

const NOW = new Date('2026-12-04T10:00:00Z');
function alert(over: Partial<AlertDto> = {}): AlertDto {
  return {
    id: 'a', type: 'sensor.threshold', severity: 'critical', status: 'active', siteId: 's', timezone: 'Asia/Shanghai', subject: 'lift-1:trapped',
    message: 'm', count: 1, raisedAt: '2026-12-04T09:59:00Z', lastSeenAt: '2026-12-04T09:59:00Z', ...over,
  };
}

describe(needsReminder.name, () => {
  it.each([
    { why: 'critical, nobody acknowledged it', a: alert(), expected: true },
    { why: 'cleared but never acknowledged still asks', a: alert({ status: 'cleared', clearedAt: '2026-12-04T09:59:30Z' }), expected: true },
    { why: 'acknowledged', a: alert({ acknowledgedAt: '2026-12-04T09:59:30Z', status: 'acknowledged' }), expected: false },
    { why: 'major is not reminded', a: alert({ severity: 'major' }), expected: false },
    { why: 'snoozed until later', a: alert({ snoozedUntil: '2026-12-04T10:15:00Z' }), expected: false },
    { why: 'snooze ends exactly now: sounds again', a: alert({ snoozedUntil: '2026-12-04T10:00:00Z' }), expected: true },
  ])('$why → $expected', ({ a, expected }) => {
    expect(needsReminder(a, NOW)).toBe(expected);
  });

  it('the banner lists unacknowledged critical alerts newest first, snoozed ones included', () => {
    const list = unacknowledgedCritical([
      alert({ id: 'old', raisedAt: '2026-12-04T08:00:00Z' }),
      alert({ id: 'new', raisedAt: '2026-12-04T09:00:00Z', snoozedUntil: '2026-12-04T11:00:00Z' }),
      alert({ id: 'acked', acknowledgedAt: '2026-12-04T09:30:00Z' }),
      alert({ id: 'major', severity: 'major' }),
    ]);
    expect(list.map((a) => a.id)).toEqual(['new', 'old']);
  });
});

describe(shiftEnd.name, () => {
  // Shanghai is UTC+8: 08:00 there is 00:00 UTC, 20:00 is 12:00 UTC. Whatever zone runs the test.
  it.each([
    { why: 'a minute before the day shift', at: '2026-12-03T23:59:00Z', tz: 'Asia/Shanghai', end: '2026-12-04T00:00:00.000Z' },
    { why: 'a shift change belongs to the shift it starts', at: '2026-12-04T00:00:00Z', tz: 'Asia/Shanghai', end: '2026-12-04T12:00:00.000Z' },
    { why: 'the last minute of the day shift', at: '2026-12-04T11:59:00Z', tz: 'Asia/Shanghai', end: '2026-12-04T12:00:00.000Z' },
    { why: 'the night shift ends the next morning', at: '2026-12-04T12:00:00Z', tz: 'Asia/Shanghai', end: '2026-12-05T00:00:00.000Z' },
    { why: 'after midnight, the same night shift', at: '2026-12-04T16:30:00Z', tz: 'Asia/Shanghai', end: '2026-12-05T00:00:00.000Z' },
    { why: 'Berlin, the night the clocks go forward (08:00 is +2)', at: '2026-03-28T20:00:00Z', tz: 'Europe/Berlin', end: '2026-03-29T06:00:00.000Z' },
    { why: 'Berlin, the night the clocks go back (08:00 is +1)', at: '2026-10-24T20:00:00Z', tz: 'Europe/Berlin', end: '2026-10-25T07:00:00.000Z' },
  ])('$why: $at → $end', ({ at, tz, end }) => {
    expect(shiftEnd(new Date(at), tz).toISOString()).toBe(end);
  });
});

describe(isMuted.name, () => {
  const mute = { user: 'operator', until: '2026-12-04T12:00:00Z' };
  it.each([
    { why: 'the user who muted, in their shift', user: 'operator', now: NOW, expected: true },
    { why: 'another user at the same desk', user: 'supervisor', now: NOW, expected: false },
    { why: 'the next shift', user: 'operator', now: new Date('2026-12-04T12:00:00Z'), expected: false },
    { why: 'nobody signed in', user: undefined, now: NOW, expected: false },
  ])('$why → $expected', ({ user, now, expected }) => {
    expect(isMuted(mute, user, now)).toBe(expected);
  });

  it('a mute never silences a new critical alert', () => {
    expect(chimeForRaise('critical', true)).toBe('critical');
    expect(chimeForRaise('major', true)).toBeNull();
    expect(chimeForRaise('major', false)).toBe('major');
  });
});
