// How fast a dispenser empties, from its recent level samples, and when it will be empty.

export interface LevelSample {
  at: Date;
  level: number;
}

/** Less observed time than this gives a rate too noisy to promise a time to empty. */
export const MIN_RATE_SPAN_MS = 30 * 60_000;

/**
 * Consumption in % per hour over the samples (any order): the sum of level drops divided by the
 * time they span. An interval where the level rose is a refill: neither its rise nor its
 * duration counts (the dispenser was being refilled, not used). Undefined with less than
 * 30 min of usable intervals.
 */
export function consumptionRate(samples: readonly LevelSample[]): number | undefined {
  const sorted = [...samples].sort((a, b) => a.at.getTime() - b.at.getTime());
  let dropped = 0;
  let spanMs = 0;
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (cur.level > prev.level) continue;
    dropped += prev.level - cur.level;
    spanMs += cur.at.getTime() - prev.at.getTime();
  }
  if (spanMs < MIN_RATE_SPAN_MS) return undefined;
  return dropped / (spanMs / 3600_000);
}

/** When the level reaches 0 at this rate; undefined without a positive rate. */
export function expectedEmptyAt(level: number, levelAt: Date, ratePctPerHour: number | undefined): Date | undefined {
  if (ratePctPerHour === undefined || ratePctPerHour <= 0) return undefined;
  return new Date(levelAt.getTime() + (level / ratePctPerHour) * 3600_000);
}
