import { describe, expect, it } from 'vitest';
import { parseTopic } from '@estate-watch/contracts';
import { parseTopicOnce } from './topic-cache';

describe(parseTopicOnce.name, () => {
  it.each([
    'estate/v1/lakeside/gate/gate-1/event',
    'estate/v1/lakeside/sensor/pump-2/telemetry',
    'estate/v1/Lakeside/gate/gate-1/event', // bad site id
    'estate/v1/lakeside/robot/r-1/event', // unknown kind
    'estate/v2/lakeside/gate/gate-1/event',
    'estate/v1/lakeside/gate/gate-1/cmd',
  ])('%s: as parseTopic answers, the first time and again', (topic) => {
    expect(parseTopicOnce(topic)).toEqual(parseTopic(topic));
    expect(parseTopicOnce(topic)).toEqual(parseTopic(topic));
  });

  it('hands out a frozen answer, so one caller cannot change what the next reads', () => {
    const first = parseTopicOnce('estate/v1/lakeside/checkpoint/cp-1/event');
    expect(Object.isFrozen(first)).toBe(true);
    if (first.ok) expect(Object.isFrozen(first.topic)).toBe(true);
    expect(parseTopicOnce('estate/v1/lakeside/checkpoint/cp-1/event')).toBe(first);
  });

  it('a flood of distinct topics does not change the answers', () => {
    for (let i = 0; i < 60_000; i++) parseTopicOnce(`estate/v1/lakeside/gate/g-${i}/event`);
    expect(parseTopicOnce('estate/v1/lakeside/gate/g-7/event')).toEqual(parseTopic('estate/v1/lakeside/gate/g-7/event'));
  });
});
