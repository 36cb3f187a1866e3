import { describe, expect, it } from 'vitest';
import { FrameSizeScanner } from './packet-size-guard';

/** Fixed header for a packet of `length` remaining bytes [MQTT-2.2.3]. */
function header(type: number, length: number): number[] {
  const bytes = [type];
  do {
    let digit = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) digit |= 0x80;
    bytes.push(digit);
  } while (length > 0);
  return bytes;
}

function packet(length: number): number[] {
  return [...header(0x30, length), ...new Array<number>(length).fill(0)];
}

describe(FrameSizeScanner.name, () => {
  const CAP = 16 * 1024;

  it.each([
    { name: 'one packet at the cap', bytes: packet(CAP), cut: false },
    { name: 'one byte over the cap', bytes: header(0x10, CAP + 1), cut: true },
    { name: 'a 100 MiB CONNECT, header only', bytes: header(0x10, 100 * 1024 * 1024), cut: true },
    { name: 'zero-length packets (PINGREQ)', bytes: [0xc0, 0x00, 0xc0, 0x00], cut: false },
    { name: 'many small packets in one chunk', bytes: [...packet(10), ...packet(200), ...packet(0)], cut: false },
    { name: 'a small packet then an oversized one', bytes: [...packet(10), ...header(0x30, CAP + 1)], cut: true },
    { name: 'a fifth length byte', bytes: [0x30, 0x80, 0x80, 0x80, 0x80, 0x01], cut: true },
  ])('$name → cut: $cut', ({ bytes, cut }) => {
    const whole = new FrameSizeScanner(CAP).scan(Uint8Array.from(bytes));
    expect(whole !== undefined).toBe(cut);
    // The same bytes one at a time: headers split across reads are followed too.
    const scanner = new FrameSizeScanner(CAP);
    const byByte = bytes.map((b) => scanner.scan(Uint8Array.of(b))).find((r) => r !== undefined);
    expect(byByte !== undefined).toBe(cut);
  });

  it('cuts on the first length byte that already exceeds the cap, before the body', () => {
    const scanner = new FrameSizeScanner(100);
    expect(scanner.scan(Uint8Array.of(0x10))).toBeUndefined();
    // 0xe5: low bits 101, continuation set; the length can only grow, so it is cut now.
    expect(scanner.scan(Uint8Array.of(0xe5))).toMatch(/over the 100-byte cap/);
  });
});
