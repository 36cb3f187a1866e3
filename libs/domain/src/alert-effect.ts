/** What a rule asks of one (type, subject) alert after a change: raise it (a repeat if open), clear it, or nothing. */
export type AlertEffect = 'raise' | 'clear' | null;
