import { describe, expect, it } from 'vitest';
import { csvCell, siteTime, toCsv } from './csv';

describe(csvCell.name, () => {
  it.each([
    { why: 'plain text', value: '北门岗亭', expected: '北门岗亭' },
    { why: 'a comma is quoted', value: 'a,b', expected: '"a,b"' },
    { why: 'a quote is doubled inside quotes', value: 'say "hi"', expected: '"say ""hi"""' },
    { why: 'a newline is quoted', value: 'line 1\nline 2', expected: '"line 1\nline 2"' },
    { why: 'a formula is defused', value: '=HYPERLINK("http://x")', expected: `"'=HYPERLINK(""http://x"")"` },
    { why: '+ starts a formula', value: '+86 138', expected: "'+86 138" },
    { why: '- starts a formula', value: '-1+1', expected: "'-1+1" },
    { why: '@ starts a formula', value: '@SUM(A1)', expected: "'@SUM(A1)" },
    { why: 'a tab first is defused', value: '\t=1', expected: "'\t=1" },
    { why: 'a negative number stays a number', value: -3.5, expected: '-3.5' },
    { why: 'empty for null', value: null, expected: '' },
    { why: 'booleans', value: true, expected: 'true' },
  ])('$why', ({ value, expected }) => {
    expect(csvCell(value)).toBe(expected);
  });
});

describe(toCsv.name, () => {
  it('starts with the UTF-8 byte-order mark and ends every line with CRLF', () => {
    const csv = toCsv(['编号', 'room'], [['WO-1', '3-101'], ['WO-2', 'a,b']]);
    expect(csv).toBe('\uFEFF编号,room\r\nWO-1,3-101\r\nWO-2,"a,b"\r\n');
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

describe(siteTime.name, () => {
  it.each([
    { at: '2026-11-27T01:31:05.120Z', tz: 'Asia/Shanghai', expected: '2026-11-27 09:31:05' },
    { at: '2026-11-27T16:00:00Z', tz: 'Asia/Shanghai', expected: '2026-11-28 00:00:00' }, // midnight is 00, not 24
    { at: '2026-11-27T01:31:05Z', tz: 'Europe/London', expected: '2026-11-27 01:31:05' },
  ])('$at in $tz → $expected', ({ at, tz, expected }) => {
    expect(siteTime(at, tz)).toBe(expected);
  });
  it('is empty for no time', () => expect(siteTime(undefined, 'Asia/Shanghai')).toBe(''));
});
