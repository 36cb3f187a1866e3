// CONTRACT §4 dispenser.low / dispenser.empty, §5 closing: which alerts a dispenser's level holds open.

export interface DispenserThresholds {
  lowPct: number;
  emptyPct: number;
}

export interface DispenserAlerts {
  /** level ≤ lowPct (an empty dispenser is low too: the replenish order exists before it is raised to high). */
  low: boolean;
  /** level ≤ emptyPct. */
  empty: boolean;
}

/** Each alert holds while its condition does: `empty` clears above emptyPct, `low` above lowPct. */
export function dispenserAlerts(level: number, t: DispenserThresholds): DispenserAlerts {
  return { low: level <= t.lowPct, empty: level <= t.emptyPct };
}
