// CONTRACT §4 gate.fault ("barrier reports fault", cleared by open or closed) and gate.stuck_open (cleared by closed).
import { describe, expect, it } from 'vitest';
import { barrierAlerts, barrierAlertsHeld, faultCode, type BarrierReport } from './barrier-alerts';

const report = (text: string): BarrierReport => {
  if (text === 'never') return { barrier: null, fault: null };
  const [barrier, fault] = text.split(' ') as [BarrierReport['barrier'], string | undefined];
  return { barrier, fault: fault ?? null };
};

describe(barrierAlerts.name, () => {
  it.each([
    { before: 'never', after: 'fault E1', fault: 'raise', stuckOpen: null },
    { before: 'open', after: 'fault E1', fault: 'raise', stuckOpen: null },
    { before: 'closed', after: 'fault', fault: 'raise', stuckOpen: null }, // no code: still a fault
    { before: 'fault E1', after: 'fault E1', fault: null, stuckOpen: null }, // a heartbeat is not a repeat
    { before: 'fault E1', after: 'fault E2', fault: 'raise', stuckOpen: null }, // a new code is a repeat
    { before: 'fault E1', after: 'open', fault: 'clear', stuckOpen: null },
    { before: 'fault E1', after: 'closed', fault: 'clear', stuckOpen: 'clear' },
    { before: 'open', after: 'closed', fault: null, stuckOpen: 'clear' },
    { before: 'never', after: 'closed', fault: null, stuckOpen: 'clear' },
    { before: 'closed', after: 'closed', fault: null, stuckOpen: null }, // a heartbeat
    { before: 'closed', after: 'open', fault: null, stuckOpen: null }, // the sweep decides when it is stuck
    { before: 'open', after: 'open', fault: null, stuckOpen: null },
  ] as const)('$before → $after: fault $fault, stuck-open $stuckOpen', ({ before, after, fault, stuckOpen }) => {
    expect(barrierAlerts(report(before), report(after))).toEqual({ fault, stuckOpen });
  });
});

describe(barrierAlertsHeld.name, () => {
  it.each([
    { stored: 'fault E1', fault: true, stuckOpen: null },
    { stored: 'open', fault: false, stuckOpen: null }, // may be stuck: the sweep's to say
    { stored: 'closed', fault: false, stuckOpen: 'clear' },
    { stored: 'never', fault: false, stuckOpen: null },
  ] as const)('stored $stored: fault open $fault, stuck-open $stuckOpen', ({ stored, fault, stuckOpen }) => {
    expect(barrierAlertsHeld(report(stored))).toEqual({ fault, stuckOpen });
  });
});

describe(faultCode.name, () => {
  it.each([
    { stored: 'fault E2', expected: 'E2' },
    { stored: 'fault', expected: 'unknown' }, // the payload's `fault` is optional (CONTRACT §1)
  ])('$stored → $expected', ({ stored, expected }) => {
    expect(faultCode(report(stored))).toBe(expected);
  });
});
