import { describe, expect, it } from 'vitest';
import { buildTopic, parseDeviceUsername, parseTopic } from './topics';

// CONTRACT §1 — topics
describe(parseTopic.name, () => {
  it.each([
    { topic: 'estate/v1/lakeside/checkpoint/cp-north-gate/event', kind: 'checkpoint', device: 'cp-north-gate', stream: 'event' },
    { topic: 'estate/v1/a/gate/G_1/ack', kind: 'gate', device: 'G_1', stream: 'ack' },
    { topic: 'estate/v1/0-site/sensor/boiler-1/telemetry', kind: 'sensor', device: 'boiler-1', stream: 'telemetry' },
    { topic: 'estate/v1/lakeside/gate/gate-1/cmd', kind: 'gate', device: 'gate-1', stream: 'cmd' },
    { topic: `estate/v1/${'s'.repeat(32)}/dispenser/${'d'.repeat(64)}/status`, kind: 'dispenser', device: 'd'.repeat(64), stream: 'status' },
  ])('accepts $topic', ({ topic, kind, device, stream }) => {
    const parsed = parseTopic(topic);
    expect(parsed).toEqual({ ok: true, topic: { site: topic.split('/')[2], kind, device, stream } });
    if (parsed.ok) expect(buildTopic(parsed.topic)).toBe(topic);
  });

  it.each([
    { topic: 'estate/v2/lakeside/gate/g1/event', reason: 'topic must be' },
    { topic: 'estate/v1/lakeside/gate/g1', reason: 'topic must be' },
    { topic: 'estate/v1/lakeside/gate/g1/event/extra', reason: 'topic must be' },
    { topic: 'estate/v1/Lakeside/gate/g1/event', reason: 'bad site id' }, // upper case
    { topic: 'estate/v1/-lake/gate/g1/event', reason: 'bad site id' }, // leading dash
    { topic: `estate/v1/${'s'.repeat(33)}/gate/g1/event`, reason: 'bad site id' }, // 33 chars
    { topic: 'estate/v1/lakeside/camera/c1/event', reason: 'unknown kind' },
    { topic: 'estate/v1/lakeside/gate/_g1/event', reason: 'bad device id' },
    { topic: `estate/v1/lakeside/gate/${'d'.repeat(65)}/event`, reason: 'bad device id' },
    { topic: 'estate/v1/lakeside/gate/g+1/event', reason: 'bad device id' },
    { topic: 'estate/v1/lakeside/gate/g1/log', reason: 'unknown stream' },
    { topic: '', reason: 'topic must be' },
  ])('rejects $topic ($reason)', ({ topic, reason }) => {
    const parsed = parseTopic(topic);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });
});

describe(parseDeviceUsername.name, () => {
  it.each([
    { username: 'lakeside:cp-1', expected: { site: 'lakeside', device: 'cp-1' } },
    { username: 'lakeside', expected: undefined },
    { username: 'Lakeside:cp-1', expected: undefined },
    { username: 'lakeside:cp/1', expected: undefined },
    { username: 'lakeside:', expected: undefined },
  ])('$username', ({ username, expected }) => {
    expect(parseDeviceUsername(username)).toEqual(expected);
  });
});
