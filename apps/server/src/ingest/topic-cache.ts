// Every PUBLISH has its topic parsed twice on the way in (the broker's ACL, then validation), and
// a device publishes on the same few topics all day: the parse of each topic is kept and shared.
import { parseTopic, type TopicParseResult } from '@estate-watch/contracts';

/** Distinct topics kept: every stream of 10,000 devices and more. A flood of new ones (each refused) empties it and it starts over. */
const MAX_TOPICS = 50_000;
const parsed = new Map<string, TopicParseResult>();

/** parseTopic, remembered. The result is frozen: callers share it. */
export function parseTopicOnce(topic: string): TopicParseResult {
  let result = parsed.get(topic);
  if (result === undefined) {
    if (parsed.size >= MAX_TOPICS) parsed.clear();
    result = parseTopic(topic);
    if (result.ok) Object.freeze(result.topic);
    parsed.set(topic, Object.freeze(result));
  }
  return result;
}
