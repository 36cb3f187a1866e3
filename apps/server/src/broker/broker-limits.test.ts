import { describe, expect, it } from 'vitest';
import { DEFAULT_BROKER_LIMITS, LONGEST_CONTRACT_TOPIC, topicLimitRefusal } from './broker-limits';

describe(topicLimitRefusal.name, () => {
  const limits = { maxTopicLength: 20, maxTopicLevels: 3 };
  it.each([
    { name: '20 characters: at the limit', topic: 'a'.repeat(20), refused: undefined },
    { name: '21 characters: over', topic: 'a'.repeat(21), refused: /21 characters, over the limit of 20/ },
    { name: '3 levels: at the limit', topic: 'a/b/c', refused: undefined },
    { name: '4 levels: over', topic: 'a/b/c/d', refused: /more than 3 levels/ },
    { name: 'empty levels count', topic: '///', refused: /more than 3 levels/ },
  ])('$name', ({ topic, refused }) => {
    const reason = topicLimitRefusal(topic, limits);
    if (refused) expect(reason).toMatch(refused);
    else expect(reason).toBeUndefined();
  });

  it('the defaults let the longest contract topic through (CONTRACT §1)', () => {
    const longest = `estate/v1/${'s'.repeat(32)}/checkpoint/${'d'.repeat(64)}/telemetry`;
    expect(longest).toHaveLength(LONGEST_CONTRACT_TOPIC);
    expect(topicLimitRefusal(longest, DEFAULT_BROKER_LIMITS)).toBeUndefined();
  });
});
