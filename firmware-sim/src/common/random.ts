// Seeded randomness, so a demo estate behaves the same way every run and a failing scenario
// can be replayed. Message ids do NOT use this: they must differ across restarts.
import { randomBytes } from 'node:crypto';

export type Random = () => number;

/** mulberry32: small, fast, good enough for drifting sensor values. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function hashSeed(text: string, salt = 0): number {
  let h = 2166136261 ^ salt;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A fresh id per power-on: message ids are `{bootId}-{counter}`, unique across restarts. */
export function newBootId(): string {
  return randomBytes(5).toString('hex');
}
