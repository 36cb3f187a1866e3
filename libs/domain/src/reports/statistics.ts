// Order statistics for the reports (issue 3.5). They mirror PostgreSQL's percentile_cont, which
// the report query uses, so a figure computed here and one computed in SQL agree to the digit.

/**
 * The p-th percentile (0 ≤ p ≤ 1) by linear interpolation between the two nearest ranks, as
 * percentile_cont does: position p·(n−1) in the sorted values. null when there are no values.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile: p must be within 0..1, got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = p * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const below = sorted[lower]!;
  return below + (sorted[upper]! - below) * (position - lower);
}

/** The middle value; the mean of the two middle values for an even count. null when there are none. */
export function median(values: readonly number[]): number | null {
  return percentile(values, 0.5);
}

/** part ÷ whole as a percentage with one decimal; null when there is nothing to divide by (not 0 %, not 100 %). */
export function percent(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  return roundTo(((100 * part) / whole), 1);
}

/** Rounds half away from zero to `decimals` places; null stays null (a statistic over no values). */
export function roundTo(value: number, decimals: number): number;
export function roundTo(value: number | null, decimals: number): number | null;
export function roundTo(value: number | null, decimals: number): number | null {
  if (value === null) return null;
  const factor = 10 ** decimals;
  // The epsilon keeps 2.675-style binary representations from rounding down.
  return (Math.sign(value) * Math.round(Math.abs(value) * factor + 1e-9)) / factor;
}
