// CONTRACT §1, device credentials and topics.
import { describe, expect, it } from 'vitest';
import { authenticate, maySubscribe, publishRefusal, type Principal } from './device-acl';

const devices = {
  device: (site: string, id: string) =>
    site === 'lakeside' && id === 'gate-1' ? { kind: 'gate' as const, secret: 's3cret-3' } : undefined,
};
const gate: Principal = { role: 'device', site: 'lakeside', device: 'gate-1', kind: 'gate' };
const service: Principal = { role: 'service', username: 'svc' };

describe(authenticate.name, () => {
  it.each([
    { username: 'lakeside:gate-1', password: 's3cret-3', expected: gate },
    { username: 'lakeside:gate-1', password: 's3cret-4', expected: undefined },
    { username: 'lakeside:gate-1', password: 's3cret-33', expected: undefined }, // longer, same prefix
    { username: 'lakeside:gate-2', password: 's3cret-3', expected: undefined },
    { username: 'svc', password: 'service-pw', expected: service },
    { username: 'svc', password: 'wrong', expected: undefined },
    { username: 'gate-1', password: 's3cret-3', expected: undefined },
    { username: undefined, password: undefined, expected: undefined },
  ])('$username / $password', async ({ username, password, expected }) => {
    const result = await authenticate(username, password === undefined ? undefined : Buffer.from(password), devices, { username: 'svc', password: 'service-pw' });
    expect(result).toEqual(expected);
  });
});

describe(publishRefusal.name, () => {
  it.each([
    { who: gate, topic: 'estate/v1/lakeside/gate/gate-1/event', refused: false },
    { who: gate, topic: 'estate/v1/lakeside/gate/gate-1/telemetry', refused: false },
    { who: gate, topic: 'estate/v1/lakeside/gate/gate-1/status', refused: false },
    { who: gate, topic: 'estate/v1/lakeside/gate/gate-1/ack', refused: false },
    { who: gate, topic: 'estate/v1/lakeside/gate/gate-1/cmd', refused: true },
    { who: gate, topic: 'estate/v1/lakeside/gate/gate-2/event', refused: true },
    { who: gate, topic: 'estate/v1/hillside/gate/gate-1/event', refused: true },
    { who: gate, topic: 'estate/v1/lakeside/sensor/gate-1/event', refused: true },
    { who: gate, topic: 'estate/v1/lakeside/gate/gate-1/event/extra', refused: true },
    { who: gate, topic: '$SYS/broker', refused: true },
    { who: service, topic: 'estate/v1/lakeside/gate/gate-1/cmd', refused: false },
    { who: service, topic: 'estate/v1/lakeside/gate/gate-1/event', refused: true },
  ])('$who.role → $topic refused: $refused', ({ who, topic, refused }) => {
    expect(publishRefusal(who, topic) !== undefined).toBe(refused);
  });
});

describe(maySubscribe.name, () => {
  it.each([
    { who: gate, filter: 'estate/v1/lakeside/gate/gate-1/cmd', allowed: true },
    { who: gate, filter: 'estate/v1/lakeside/gate/+/cmd', allowed: false },
    { who: gate, filter: 'estate/v1/lakeside/gate/gate-1/#', allowed: false },
    { who: gate, filter: 'estate/v1/lakeside/gate/gate-2/cmd', allowed: false },
    { who: service, filter: 'estate/v1/#', allowed: true },
    { who: service, filter: 'estate/v1/+/+/+/ack', allowed: true },
    { who: service, filter: '#', allowed: false },
    { who: service, filter: 'estate/v2/#', allowed: false },
  ])('$who.role → $filter allowed: $allowed', ({ who, filter, allowed }) => {
    expect(maySubscribe(who, filter)).toBe(allowed);
  });
});
