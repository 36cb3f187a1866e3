import type { AlertDto } from '@estate-watch/contracts';
import { describe, expect, it } from 'vitest';
import { chimeForRaise, isMuted, needsReminder, shiftEnd, unacknowledgedCritical } from './reminder-logic';

const NOW = new Date('2026-12-04T10:00:00Z');
function alert(over: Partial<AlertDto> = {}): AlertDto {
  return {
    id: 'a', type: 'sensor.threshold', severity: 'critical', status: 'active', siteId: 's', subject: 'lift-1:trapped',
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
  const local = (h: number, m = 0) => new Date(2026, 11, 4, h, m);
  it.each([
    { at: local(7, 59), end: local(8) },
    { at: local(8), end: local(20) }, // a shift change belongs to the shift it starts
    { at: local(19, 59), end: local(20) },
    { at: local(20), end: new Date(2026, 11, 5, 8) },
    { at: local(0, 30), end: local(8) },
  ])('$at → $end', ({ at, end }) => {
    expect(shiftEnd(at)).toEqual(end);
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
