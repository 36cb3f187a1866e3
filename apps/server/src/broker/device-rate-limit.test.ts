import { describe, expect, it } from 'vitest';
import { DeviceRateLimit } from './device-rate-limit';

describe(DeviceRateLimit.name, () => {
  // 10 a second, burst 2, a QoS 1 message held at most 300 ms.
  const limit = () => new DeviceRateLimit(10, 2, 300);

  it.each([
    { name: 'QoS 1 within the burst goes at once', sends: [1, 1], expected: ['0', '0'] },
    { name: 'QoS 1 over the burst waits its turn', sends: [1, 1, 1, 1, 1], expected: ['0', '0', '100', '200', '300'] },
    { name: 'QoS 1 that would wait past 300 ms is dropped', sends: [1, 1, 1, 1, 1, 1], expected: ['0', '0', '100', '200', '300', 'drop'] },
    { name: 'QoS 0 over the burst is dropped, never held', sends: [0, 0, 0], expected: ['0', '0', 'drop'] },
  ])('$name', ({ sends, expected }) => {
    const l = limit();
    expect(sends.map((qos) => l.check('lakeside:cp-1', qos, 0)).map((v) => (v.go ? String(v.waitMs) : 'drop'))).toEqual(expected);
  });

  it('counts each device on its own', () => {
    const l = limit();
    l.check('lakeside:cp-1', 0, 0);
    l.check('lakeside:cp-1', 0, 0);
    expect(l.check('lakeside:cp-1', 0, 0)).toEqual({ go: false, reason: 'over 10 messages a second (burst 2): QoS 0 message dropped' });
    expect(l.check('lakeside:cp-2', 0, 0)).toEqual({ go: true, waitMs: 0 });
  });

  it('with a rate of 0 never limits', () => {
    const l = new DeviceRateLimit(0, 1);
    for (let i = 0; i < 1000; i++) expect(l.check('d', 0, 0)).toEqual({ go: true, waitMs: 0 });
  });
});
