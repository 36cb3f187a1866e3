// Pure rules behind the work-order board: which column an order sits in, how a column is
// ordered, which SLA clock applies and how urgent it looks, which actions make sense now,
// and when an update deserves a toast. No Vue, no I/O: unit-tested.
import type { DepartmentId, Priority, VerifiedBy, WorkOrderActionId, WorkOrderDto, WorkOrderSourceId, WorkOrderStatusId } from '@estate-watch/contracts';
import { localDateOf, localDayStart } from '@estate-watch/domain/time';

/**
 * Statuses left to right. `reopened` sits next to `new`: both wait for someone to take them.
 * The Record makes the compiler insist on every status of the contract.
 */
const STATUS_RANK: Record<WorkOrderStatusId, number> = {
  new: 0, reopened: 1, dispatched: 2, accepted: 3, in_progress: 4, resolved: 5, verified: 6, closed: 7,
};
export const STATUS_ORDER = (Object.keys(STATUS_RANK) as WorkOrderStatusId[]).sort((a, b) => STATUS_RANK[a] - STATUS_RANK[b]);
/** Finished: shown for today only, collapsed by default, so the board stays about work to do. */
export const DONE_STATUSES: readonly WorkOrderStatusId[] = ['verified', 'closed'];

/**
 * A board column: a status, except that `verified` is two (issue 12.5): called back by a person
 * (已回访) and verified by its device (设备确认) are different states.
 */
export type BoardColumnId = Exclude<WorkOrderStatusId, 'verified'> | 'called_back' | 'device_verified';
const VERIFIED_COLUMN: Record<VerifiedBy, BoardColumnId> = { callback: 'called_back', device: 'device_verified' };
const VERIFIED_BY_COLUMN: Partial<Record<BoardColumnId, VerifiedBy>> = { called_back: 'callback', device_verified: 'device' };
export const BOARD_COLUMNS: readonly BoardColumnId[] = STATUS_ORDER.flatMap((s) => (s === 'verified' ? [VERIFIED_COLUMN.callback, VERIFIED_COLUMN.device] : [s]));

/** The column an order sits in. A verified order from a server that does not say how reads as called back, as before. */
export function columnOf(order: Pick<WorkOrderDto, 'status' | 'verifiedBy'>): BoardColumnId {
  return order.status === 'verified' ? VERIFIED_COLUMN[order.verifiedBy ?? 'callback'] : order.status;
}

/** What a column holds: its status and, for the two verified columns, how. */
function columnState(id: BoardColumnId): { status: WorkOrderStatusId; verifiedBy?: VerifiedBy } {
  const verifiedBy = VERIFIED_BY_COLUMN[id];
  return verifiedBy ? { status: 'verified', verifiedBy } : { status: id as WorkOrderStatusId };
}

const PRIORITY_RANK: Record<Priority, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

export interface OrderFilter {
  department: DepartmentId | 'all';
  source: WorkOrderSourceId | 'all';
  /** Only the escalated ones (the header's "N 张已升级" toggles it). */
  escalatedOnly?: boolean;
}

export function isOpenOrder(order: Pick<WorkOrderDto, 'status'>): boolean {
  return !DONE_STATUSES.includes(order.status);
}

export function matchesOrderFilter(order: WorkOrderDto, filter: OrderFilter): boolean {
  if (filter.department !== 'all' && order.department !== filter.department) return false;
  if (filter.escalatedOnly && !order.escalated) return false;
  return filter.source === 'all' || order.source === filter.source;
}

/** The site's midnight before `now`: "today" on the board is the site's day, as in the reports. */
export function startOfDay(now: number, timeZone: string): number {
  return localDayStart(localDateOf(now, timeZone), timeZone).getTime();
}

/** When a finished order finished (closed, else verified, else its last timeline entry). */
function finishedAt(order: WorkOrderDto): number {
  const at = order.closedAt ?? order.verifiedAt ?? order.timeline.at(-1)?.at ?? order.createdAt;
  return Date.parse(at);
}

export type SlaKind = 'accept' | 'resolve' | 'callback';
export type SlaLevel = 'ok' | 'amber' | 'red';
export interface SlaClock {
  kind: SlaKind;
  dueAt: number;
  /** Negative once the deadline has passed. */
  remainingMs: number;
  level: SlaLevel;
}

/** Amber once less than this share of the allowed time is left (issue 3). */
export const AMBER_SHARE = 0.25;

/**
 * The deadline that matters in this status: accepting while nobody has taken the order,
 * resolving while it is being worked on, the callback while a complaint waits for it.
 * Both SLA deadlines count from creation (libs/domain sla.ts), so the share left does too.
 */
export function slaClock(order: WorkOrderDto, now: number): SlaClock | null {
  let kind: SlaKind;
  let due: string | undefined;
  let from = Date.parse(order.createdAt);
  switch (order.status) {
    case 'new':
    case 'dispatched':
    case 'reopened':
      [kind, due] = ['accept', order.acceptBy];
      break;
    case 'accepted':
    case 'in_progress':
      [kind, due] = ['resolve', order.resolveBy];
      break;
    case 'resolved':
      if (order.source !== 'complaint' || !order.callbackDueAt) return null;
      [kind, due] = ['callback', order.callbackDueAt];
      if (order.resolvedAt) from = Date.parse(order.resolvedAt);
      break;
    default:
      return null;
  }
  const dueAt = Date.parse(due);
  if (Number.isNaN(dueAt)) return null;
  const remainingMs = dueAt - now;
  const total = dueAt - from;
  const level: SlaLevel = remainingMs < 0 ? 'red' : total > 0 && remainingMs < total * AMBER_SHARE ? 'amber' : 'ok';
  return { kind, dueAt, remainingMs, level };
}

/** |ms| as "m:ss", "h:mm:ss" or, from a day up, days and hours: {d, clock}. */
export function countdownParts(ms: number): { d: number; h: number; clock: string } {
  const total = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(total / 86_400);
  const h = Math.floor((total % 86_400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  const hours = d * 24 + h;
  return { d, h, clock: hours > 0 ? `${hours}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}` };
}

const LEVEL_RANK: Record<SlaLevel, number> = { red: 0, amber: 1, ok: 2 };

/** Within a column: escalated first, then the clock closest to running out, then priority, then oldest. */
export function compareOrders(a: WorkOrderDto, b: WorkOrderDto, now: number): number {
  if (a.escalated !== b.escalated) return a.escalated ? -1 : 1;
  const ca = slaClock(a, now);
  const cb = slaClock(b, now);
  const byLevel = LEVEL_RANK[ca?.level ?? 'ok'] - LEVEL_RANK[cb?.level ?? 'ok'];
  if (byLevel !== 0) return byLevel;
  const byPriority = PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority];
  if (byPriority !== 0) return byPriority;
  const byDue = (ca?.dueAt ?? Infinity) - (cb?.dueAt ?? Infinity);
  if (byDue !== 0 && !Number.isNaN(byDue)) return byDue;
  return Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id);
}

/** Finished columns: the most recently finished first. */
function compareFinished(a: WorkOrderDto, b: WorkOrderDto): number {
  return finishedAt(b) - finishedAt(a) || a.id.localeCompare(b.id);
}

export interface BoardColumn {
  id: BoardColumnId;
  status: WorkOrderStatusId;
  /** The two verified columns: how their orders were verified. */
  verifiedBy?: VerifiedBy;
  /** Finished (verified or closed): today's orders only, folded until opened. */
  done: boolean;
  orders: WorkOrderDto[];
}

/** Every column, always in the same place (an empty column is still a column), filtered and ordered. */
export function boardColumns(orders: Iterable<WorkOrderDto>, filter: OrderFilter, now: number): BoardColumn[] {
  // "Today" is each order's site's day, in the zone the order carries (issue 10 point 2).
  const dayStarts = new Map<string, number>();
  const todayAt = (timeZone: string): number => {
    let at = dayStarts.get(timeZone);
    if (at === undefined) dayStarts.set(timeZone, (at = startOfDay(now, timeZone)));
    return at;
  };
  const columns = new Map<BoardColumnId, WorkOrderDto[]>(BOARD_COLUMNS.map((c) => [c, []]));
  for (const order of orders) {
    if (!matchesOrderFilter(order, filter)) continue;
    if (!isOpenOrder(order) && finishedAt(order) < todayAt(order.timezone)) continue;
    columns.get(columnOf(order))?.push(order);
  }
  return BOARD_COLUMNS.map((id) => {
    const list = columns.get(id)!;
    const state = columnState(id);
    const done = DONE_STATUSES.includes(state.status);
    list.sort(done ? compareFinished : (a, b) => compareOrders(a, b, now));
    return { id, ...state, done, orders: list };
  });
}

/** The usual next step first (it gets the primary button); moving or reopening an order last. */
const BUTTON_ORDER: readonly WorkOrderActionId[] = ['accept', 'start', 'resolve', 'verify', 'close', 'dispatch', 'reopen'];

/**
 * The buttons the detail offers: exactly the server's `allowedActions` (the rule POST /events
 * applies, so a button never leads to a 409), the next step first. Comment has its own box.
 * A new order's next step is dispatching it.
 */
export function actionsFor(order: Pick<WorkOrderDto, 'allowedActions'>): WorkOrderActionId[] {
  return BUTTON_ORDER.filter((a) => order.allowedActions.includes(a));
}

/** A verify callback with the resident needs a note (what they said) for complaints. */
export function verifyNeedsNote(order: Pick<WorkOrderDto, 'source'>): boolean {
  return order.source === 'complaint';
}

/**
 * A toast (and the chime) when an open order has just been escalated — for its accept or its
 * resolve deadline, each once — never for the other updates of an escalated order, nor for
 * orders loaded by a refetch. An order first seen live counts only if this very update is the
 * escalation (its last timeline entry), so a comment on an old escalated order stays quiet.
 */
export function isNewEscalation(previous: WorkOrderDto | undefined, next: WorkOrderDto): boolean {
  if (!next.escalated || !isOpenOrder(next)) return false;
  if (!previous) return next.timeline.at(-1)?.action === 'escalate';
  if (!previous.escalated) return true;
  const newly = (now?: string, before?: string) => now !== undefined && now !== before;
  return newly(next.acceptEscalatedAt, previous.acceptEscalatedAt) || newly(next.resolveEscalatedAt, previous.resolveEscalatedAt);
}

/**
 * Inserts or replaces `order`, keeping at most `limit`: finished orders go first, the
 * longest finished first; open ones only if nothing else is left. Returns the evicted ids.
 */
export function upsertOrder(buffer: Map<string, WorkOrderDto>, order: WorkOrderDto, limit: number): string[] {
  buffer.set(order.id, order);
  return trimOrders(buffer, limit);
}

export function trimOrders(buffer: Map<string, WorkOrderDto>, limit: number): string[] {
  if (buffer.size <= limit) return [];
  const all = [...buffer.values()];
  const byAge = (a: WorkOrderDto, b: WorkOrderDto) => finishedAt(a) - finishedAt(b);
  const candidates = [...all.filter((o) => !isOpenOrder(o)).sort(byAge), ...all.filter(isOpenOrder).sort(byAge)];
  const evicted = candidates.slice(0, buffer.size - limit).map((o) => o.id);
  for (const id of evicted) buffer.delete(id);
  return evicted;
}

/** After refetching the open orders: open ones we hold that the server no longer lists (finished or gone while we were away). */
export function staleOpenIds(buffer: Map<string, WorkOrderDto>, fetchedOpen: WorkOrderDto[]): string[] {
  const present = new Set(fetchedOpen.map((o) => o.id));
  return [...buffer.values()].filter((o) => isOpenOrder(o) && !present.has(o.id)).map((o) => o.id);
}
