import { describe, expect, it } from 'vitest';
import { example, problemsOf } from './site-config.testing';
import { suggestKey } from './strict-object';

describe(suggestKey.name, () => {
  it.each([
    { key: 'tolerenceMin', known: ['id', 'toleranceMin', 'schedule'], expected: 'did you mean toleranceMin?' },
    { key: 'ToleranceMin', known: ['toleranceMin', 'schedule'], expected: 'did you mean toleranceMin?' }, // case alone
    { key: 'offset', known: ['checkpoint', 'offsetMin'], expected: 'did you mean offsetMin?' }, // 3 edits in 9 letters
    { key: 'colour', known: ['id', 'name', 'capacity'], expected: 'known keys: id, name, capacity' }, // nothing near
    { key: 'x', known: [], expected: 'nothing is allowed here' },
  ])('$key → $expected', ({ key, known, expected }) => {
    expect(suggestKey(key, known)).toBe(expected);
  });
});

// CONTRACT §2 — "Unknown keys are errors, named with the nearest known key", with the file and path.
describe('site files with an unknown key', () => {
  it.each([
    { edit: (t: string) => t.replace('toleranceMin: 15', 'tolerenceMin: 5'), problem: 'routes[0].tolerenceMin: unknown key, did you mean toleranceMin?' },
    { edit: (t: string) => t.replace('heartbeatSec: 60', 'heartbeatSecs: 60'), problem: 'site.heartbeatSecs: unknown key, did you mean heartbeatSec?' },
    { edit: (t: string) => t.replace('acceptMin: 10, resolveMin: 60', 'acceptMins: 10, resolveMin: 60'), problem: 'departments[0].sla.acceptMins: unknown key, did you mean acceptMin?' },
    { edit: (t: string) => t.replace('{ checkpoint: cp-garage-b1,  offsetMin: 20 }', '{ checkpoint: cp-garage-b1,  offset: 20 }'), problem: 'routes[0].checkpoints[1].offset: unknown key, did you mean offsetMin?' },
    { edit: (t: string) => t.replace('hysteresis: 2', 'hysterisis: 2'), problem: 'sensors[0].limits.temperature_c.hysterisis: unknown key, did you mean hysteresis?' },
    { edit: (t: string) => t.replace('stuckOpenSec: 120', 'stuckOpenSecs: 120'), problem: 'gates[0].stuckOpenSecs: unknown key, did you mean stuckOpenSec?' },
    { edit: (t: string) => t.replace('lowPct: 20', 'lowPtc: 20'), problem: 'dispensers[0].lowPtc: unknown key, did you mean lowPct?' },
    { edit: (t: string) => t.replace('sensors:', 'sensor:'), problem: 'sensor: unknown key, did you mean sensors?' },
    { edit: (t: string) => t.replace('capacity: 120 }', 'capacity: 120, colour: red }'), problem: 'lots[0].colour: unknown key, known keys: id, name, capacity' },
    { edit: (t: string) => t.replace('{ id: G01, name: 张伟,', '{ id: G01, nam: 张伟, phone: 1,'), problem: 'guards[0].nam: unknown key, did you mean name?' },
  ])('$problem', ({ edit, problem }) => {
    expect(problemsOf(edit(example))).toContain(problem);
  });

  it('lists each unknown key of one object on its own line', () => {
    const problems = problemsOf(example.replace('toleranceMin: 15', 'tolerenceMin: 15\n    shedule: ["10:00"]'));
    expect(problems).toEqual(expect.arrayContaining(['routes[0].tolerenceMin: unknown key, did you mean toleranceMin?', 'routes[0].shedule: unknown key, did you mean schedule?']));
  });
});
