// Chinese number plates for the simulated cars: mostly Shanghai (沪), some from the neighbouring
// provinces, a quarter new-energy (green) plates with six characters after the city letter.
import { pick } from './estate-day';
import type { Random } from '../common/random';

const PROVINCES: ReadonlyArray<readonly [string, number, string]> = [
  ['沪', 0.62, 'ABCDEFGHJKLMN'],
  ['苏', 0.14, 'ABCDEFGHJKLMN'],
  ['浙', 0.12, 'ABCDEFGHJKL'],
  ['皖', 0.06, 'ABCDEFGHJKLMNPRS'],
  ['京', 0.03, 'ABCEFGHJKLMNPQ'],
  ['鲁', 0.03, 'ABCDEFGHJKLMNPQRSUV'],
];
const LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

/** A Chinese plate such as 沪A·3K721, or 沪A·D12345 for a new-energy car (9 or 10 characters). */
export function plateOf(random: Random): string {
  let r = random();
  const [province, , cities] = PROVINCES.find(([, share]) => (r -= share) < 0) ?? PROVINCES[0]!;
  const city = pick(random, [...cities]);
  if (random() < 0.25) return `${province}${city}·${random() < 0.7 ? 'D' : 'F'}${digits(random, 5)}`;
  const body = [...digits(random, 5)];
  const letters = random() < 0.5 ? Math.floor(random() * 3) : 0;
  for (let k = 0; k < letters; k++) body[Math.floor(random() * 5)] = pick(random, [...LETTERS]);
  return `${province}${city}·${body.join('')}`;
}

function digits(random: Random, n: number): string {
  return Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
}

export function uniquePlates(n: number, random: Random): string[] {
  const plates = new Set<string>();
  while (plates.size < n) plates.add(plateOf(random));
  return [...plates];
}
