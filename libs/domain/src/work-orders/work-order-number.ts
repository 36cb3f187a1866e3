// Human-readable order numbers for phone calls and paper: WO-YYYYMMDD-NNNN, the date site-local.
/** `seq` comes from the database sequence, so numbers are unique across server instances. */
export function workOrderNumber(createdAt: Date, timeZone: string, seq: number): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(createdAt);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `WO-${part('year')}${part('month')}${part('day')}-${String(seq).padStart(4, '0')}`;
}
