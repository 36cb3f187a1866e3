// Human-readable order numbers for phone calls and paper: WO-YYYYMMDD-NNNN, the date site-local.
import { localDateOf } from '../time/site-clock';

/** `seq` comes from the database sequence, so numbers are unique across server instances. */
export function workOrderNumber(createdAt: Date, timeZone: string, seq: number): string {
  return `WO-${localDateOf(createdAt, timeZone).replaceAll('-', '')}-${String(seq).padStart(4, '0')}`;
}
