import { describe, expect, it } from 'vitest';
import { encodeRecordedLine, messageBytes, parseRecording, readRecording, RecordingError } from './recording';
import { shiftTs } from './replay';

const T = '2026-11-27T09:31:05.120+08:00';
const TOPIC = 'estate/v1/lakeside/gate/gate-garage-in/event';

describe(encodeRecordedLine.name, () => {
  it('keeps JSON as payload', () => {
    const line = encodeRecordedLine(T, TOPIC, Buffer.from('{"id":"a-1","ts":"x","type":"pass"}'));
    expect(JSON.parse(line)).toEqual({ t: T, topic: TOPIC, payload: { id: 'a-1', ts: 'x', type: 'pass' } });
  });

  it.each([
    { what: 'text that is not JSON', bytes: Buffer.from('barrier up') },
    { what: 'bytes that are not UTF-8', bytes: Buffer.from([0xff, 0xfe, 0x00, 0x7b]) },
    { what: 'an empty payload', bytes: Buffer.alloc(0) },
  ])('stores $what as raw base64, and gives the same bytes back', ({ bytes }) => {
    const line = encodeRecordedLine(T, TOPIC, bytes);
    const [message] = parseRecording(line);
    expect(message).toEqual({ t: T, topic: TOPIC, raw: bytes.toString('base64') });
    expect(messageBytes(message!)).toEqual(bytes);
  });

  it('marks a message the broker delivered as retained', () => {
    expect(JSON.parse(encodeRecordedLine(T, TOPIC, Buffer.from('{"online":false}'), true))).toMatchObject({ retained: true });
  });
});

describe(parseRecording.name, () => {
  const good = JSON.stringify({ t: T, topic: TOPIC, payload: { a: 1 } });

  it('skips blank lines and a trailing newline', () => {
    expect(parseRecording(`${good}\n\n${good}\r\n`)).toHaveLength(2);
  });

  it.each([
    { line: '{"t": "2026-11-27T09:31:05Z", "topic": "x/y"', problem: 'not JSON' },
    { line: '[1,2]', problem: 'must be a JSON object' },
    { line: '{"topic":"x","payload":{}}', problem: '"t" (receive time) is missing' },
    { line: '{"t":"27/11/2026 09:31","topic":"x","payload":{}}', problem: '"t" is not an RFC 3339 time' },
    { line: `{"t":"${T}","payload":{}}`, problem: '"topic" is missing or empty' },
    { line: `{"t":"${T}","topic":"estate/v1/#","payload":{}}`, problem: 'wildcard' },
    { line: `{"t":"${T}","topic":"x"}`, problem: 'needs exactly one of "payload" and "raw"' },
    { line: `{"t":"${T}","topic":"x","payload":{},"raw":"AA=="}`, problem: 'needs exactly one of "payload" and "raw"' },
    { line: `{"t":"${T}","topic":"x","raw":"not base64!"}`, problem: '"raw" is not base64' },
  ])('reports line 3 when it is $problem', ({ line, problem }) => {
    const text = [good, good, line, good].join('\n');
    let error: unknown;
    try {
      parseRecording(text, 'day.jsonl');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RecordingError);
    const { problems, message } = error as RecordingError;
    expect(problems).toHaveLength(1);
    expect(problems[0]!.line).toBe(3);
    expect(problems[0]!.problem).toContain(problem);
    expect(message).toMatch(/^day\.jsonl: line 3: /);
  });

  it('reports every bad line, not just the first', () => {
    expect(() => parseRecording(['oops', good, '{}'].join('\n'))).toThrow(/2 bad lines\n {2}line 1: not JSON.*\n {2}line 3: /s);
  });
});

describe(readRecording.name, () => {
  it('takes the text itself as well as a path', async () => {
    const text = JSON.stringify({ t: T, topic: TOPIC, payload: null });
    await expect(readRecording(text)).resolves.toEqual([{ t: T, topic: TOPIC, payload: null }]);
  });

  it('names the file it could not read', async () => {
    await expect(readRecording('/nonexistent/day.jsonl')).rejects.toThrow('/nonexistent/day.jsonl');
  });
});

describe(shiftTs.name, () => {
  const message = { t: T, topic: TOPIC, payload: { id: 'a-1', ts: '2026-11-27T09:31:04.000+08:00', type: 'tap' } };

  it('moves ts by the delta and keeps its offset', () => {
    expect(shiftTs(message, 86_400_000).payload).toEqual({ id: 'a-1', ts: '2026-11-28T09:31:04.000+08:00', type: 'tap' });
  });

  it('works across a Z offset too', () => {
    const z = { ...message, payload: { ts: '2026-11-27T01:31:04Z' } };
    expect(shiftTs(z, -1000).payload).toEqual({ ts: '2026-11-27T01:31:03.000+00:00' });
  });

  it.each([
    { what: 'a last will without ts', payload: { online: false } },
    { what: 'a non-object payload', payload: 42 },
    { what: 'an unreadable ts', payload: { ts: 'yesterday' } },
  ])('leaves $what alone', ({ payload }) => {
    const m = { t: T, topic: TOPIC, payload };
    expect(shiftTs(m, 5000)).toBe(m);
  });
});
