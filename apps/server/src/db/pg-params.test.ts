// pgParams must send what node-postgres itself would: the same array literal, or the array left to pg.
import { describe, expect, it } from 'vitest';
import { pgParams, plainArrayLiteral } from './pg-params';

// pg's own conversion (what it does with an array we leave to it): the reference.
const { prepareValue } = require('pg/lib/utils') as { prepareValue(value: unknown): unknown };

describe(plainArrayLiteral.name, () => {
  it.each([
    { name: 'empty', values: [] },
    { name: 'ids', values: ['lakeside', 'gate-north-in', 'G01', 'a.b:c_d-e'] },
    { name: 'the empty string', values: ['', 'x'] },
    { name: 'the word NULL (a string, not a null)', values: ['NULL', 'null'] },
    { name: 'separators and braces inside quotes', values: ['a,b', '{c}', 'd e', "it's"] },
    { name: 'non-ASCII', values: ['湖畔花园', 'ü'] },
    { name: 'timestamps', values: ['2026-12-05T10:00:00.000Z', '2026-11-27T09:31:05.120+08:00'] },
    { name: 'numbers', values: [1, 0, -0, 2.5, -40, 1e21, 1e-7, Number.MAX_SAFE_INTEGER] },
    { name: 'booleans', values: [true, false] },
    { name: 'mixed plain', values: ['x', 1, true] },
  ])('$name: the literal pg builds', ({ values }) => {
    expect(plainArrayLiteral(values)).toBe(prepareValue(values));
  });

  it.each([
    { name: 'a null', values: ['a', null] },
    { name: 'an undefined', values: [undefined] },
    { name: 'a double quote', values: ['say "hi"'] },
    { name: 'a backslash', values: ['C:\\dir'] },
    { name: 'a nested array', values: [['a']] },
    { name: 'a Date', values: [new Date(0)] },
    { name: 'an object', values: [{ a: 1 }] },
    { name: 'a Buffer', values: [Buffer.from('x')] },
  ])('$name: left to pg', ({ values }) => {
    expect(plainArrayLiteral(values)).toBeUndefined();
  });
});

describe(pgParams.name, () => {
  it('writes plain arrays as literals and leaves every other parameter as it was', () => {
    const date = new Date(0);
    const quoted = ['"'];
    expect(pgParams(['a', 1, null, date, ['x', 'y'], quoted, []])).toEqual(['a', 1, null, date, '{"x","y"}', quoted, '{}']);
  });

  it("never changes the caller's array, and hands back the same one when nothing changes", () => {
    const params = [['x']];
    expect(pgParams(params)).toEqual(['{"x"}']);
    expect(params).toEqual([['x']]);
    const untouched = ['a', [null]];
    expect(pgParams(untouched)).toBe(untouched);
  });
});
