import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { ConflictException, Inject, Injectable, Logger, NotFoundException, type OnApplicationBootstrap } from '@nestjs/common';
import { Subject } from 'rxjs';
import { ALERT_RULES, type AckManyResult, type AlertDto, type AlertQuery, type AlertType, type Severity } from '@estate-watch/contracts';
import { CLOCK, type Clock } from '../common/clock';
import { pathTrace } from '../common/path-trace';
import type { Queryable } from '../db/database';
import { AlertsRepository, type AlertWrite, type RaiseRow } from './alerts.repository';

/** `withdrawn`: a forewarned alert that no stored alert confirmed (see AlertsService.forewarn). */
export type AlertChange = 'raised' | 'repeated' | 'acknowledged' | 'cleared' | 'snoozed' | 'withdrawn';

/** Past-tense event for the live gateway and the work orders. */
export interface AlertChanged {
  change: AlertChange;
  alert: AlertDto;
  /** True when the condition itself went away (a device confirmed it), not a person. */
  byCondition?: boolean;
  /** Told to the screens before the alarm's message committed (AlertsService.forewarn): not stored yet. */
  forewarned?: true;
}

/**
 * The types an alarm may forewarn (issue 9.4): those of the equipment lane (a fault, a critical
 * limit). Their open alerts are held in memory, a few per sensor at most.
 */
const FOREWARNED_TYPES: ReadonlySet<AlertType> = new Set<AlertType>(['equipment.fault', 'sensor.threshold']);
/** How long a user's action on a forewarned alert waits for it to be stored (a guard: it is normally milliseconds). */
const STORED_WAIT_MS = 10_000;

/**
 * A rule downstream of alerts (work orders). Awaited inside raise/clear, so what it does is as
 * durable as the alert: ingest moves its cursor only after it returned.
 */
export interface AlertFollower {
  readonly name: string;
  alertChanged(event: AlertChanged): Promise<void>;
}

export interface RaiseAlert {
  siteId: string;
  type: AlertType;
  subject: string;
  message: string;
  /** When the condition was observed; defaults to now. */
  at?: Date;
  /** Required for types whose severity comes from config (sensor.threshold). */
  severity?: Severity;
  details?: Record<string, unknown>;
}

/** What raiseWithin/clearWithin leave to do once the caller's transaction has committed: tell the screens and the followers. */
export type AlertAnnouncement = () => Promise<AlertDto>;

/**
 * An announcement in its two steps: `tell` the screens (at once, synchronous), then `follow`: the
 * followers (a work order: a transaction of its own) and the screens again if they changed the
 * alert. A caller may tell every alert of a batch as its statement commits and follow them after.
 */
export interface AlertStep {
  tell(): void;
  follow(): Promise<AlertDto>;
}

/** An alert a state change calls for: raised (or repeated), or cleared by the condition going away. */
export type AlertChangeRequest = { raise: RaiseAlert } | { clear: { siteId: string; type: AlertType; subject: string; at: Date } };

/**
 * Alerts written by the caller's own statement (see AlertsService.writes): its SQL parts, then,
 * given the statement's result row, what to announce once that statement has committed.
 */
export interface AlertWrites {
  readonly count: number;
  sql(param: (value: unknown) => string): { ctes: string[]; columns: string[] };
  /** Reads the statement's row once it ran (the repository calls it). */
  written(row: Record<string, unknown>): void;
  /** What written() found to tell the screens and followers, for the caller once the statement has committed: each tell, then each follow, in this order. */
  readonly steps: readonly AlertStep[];
}

/** CONTRACT §4: lifecycle active → acknowledged → cleared; one open alert per (type, subject). */
@Injectable()
export class AlertsService implements OnApplicationBootstrap {
  readonly changes$ = new Subject<AlertChanged>();
  private readonly followers: AlertFollower[] = [];
  private readonly log = new Logger(AlertsService.name);
  /**
   * The open alerts of FOREWARNED_TYPES as last announced by this server, by (site, type,
   * subject); undefined until read at start-up, and then nothing is forewarned. Kept from the
   * announcements, so it holds only on a server that is the one writer of these alerts (the
   * caller of forewarn sees to that: not in a cluster).
   */
  private open: Set<string> | undefined;
  /** Announced while the start-up read was under way (open or not): they win over what it read. */
  private openSeen: Map<string, boolean> | undefined = new Map();
  /** Alerts the screens heard ahead of their commit, by (site, type, subject), until a stored raise confirms or withdraws them. */
  private readonly forewarned = new Map<string, { alert: AlertDto; origin: string; settled: () => void }>();
  /** The same by id: what a user acting on one waits for (whenStored). */
  private readonly forewarnedIds = new Map<string, Promise<void>>();

  constructor(
    private readonly repo: AlertsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.changes$.subscribe((event) => this.track(event));
  }

  /** Reads the open alerts that forewarn() must know of; until it has, forewarn() tells nothing ahead. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      const open = new Set((await this.repo.openOfTypes([...FOREWARNED_TYPES])).map(keyOf));
      for (const [key, isOpen] of this.openSeen ?? []) {
        if (isOpen) open.add(key);
        else open.delete(key);
      }
      this.open = open;
      this.openSeen = undefined;
    } catch (error) {
      // Alarms then take the stored path only (the commit, then the lane): slower, nothing lost.
      this.log.warn(`open alerts not read (${(error as Error).message}): alarms are announced after their commit`);
    }
  }

  /**
   * An alarm told to the screens before its message is committed (issue 9.4: PUBLISH → screen
   * within a few ms, not after the grouped commit and the lane). Only a new alert is forewarned:
   * none of (type, subject) may be open or forewarned already, so a repeat, whose count and
   * times come from the stored row, takes the stored path. The alert gets its id now; the raise
   * that stores it takes that id (raiseRow), and its announcement after the commit confirms it
   * (the screens merge by id: the second event adds what the stored path adds, a work order).
   * A raise that finds another alert open withdraws this one, and so does the caller's function
   * returned here when the message is not stored (a repeat of a stored message id, a commit that
   * failed) or, through settle(), when its message was applied without raising it.
   */
  forewarn(input: RaiseAlert, origin: string): (() => void) | undefined {
    if (!this.open || !FOREWARNED_TYPES.has(input.type)) return undefined;
    const row = this.raiseRow(input);
    const key = keyOf(row);
    if (this.open.has(key) || this.forewarned.has(key)) return undefined;
    const alert = this.repo.provisional({ ...row, id: randomUUID() });
    let settled!: () => void;
    this.forewarnedIds.set(alert.id, new Promise<void>((resolve) => (settled = resolve)));
    this.forewarned.set(key, { alert, origin, settled });
    this.changes$.next({ change: 'raised', alert, forewarned: true });
    return () => this.withdraw(key, alert.id);
  }

  /** Whether any alert waits for its stored raise: a caller on the message path asks before it builds an origin for settle(). */
  get forewarning(): boolean {
    return this.forewarned.size > 0;
  }

  /** The message `origin` was applied: what it forewarned and no raise confirmed is withdrawn. */
  settle(origin: string): void {
    for (const [key, f] of this.forewarned) if (f.origin === origin) this.withdraw(key, f.alert.id);
  }

  private withdraw(key: string, id: string): void {
    const f = this.forewarned.get(key);
    if (f?.alert.id !== id) return;
    this.release(key);
    this.changes$.next({ change: 'withdrawn', alert: { ...f.alert, withdrawn: true }, forewarned: true });
  }

  /** A stored raise of (type, subject), committed: a forewarned alert of it is confirmed, or withdrawn if the row is another. */
  private confirm(alert: AlertDto): void {
    const key = keyOf(alert);
    const f = this.forewarned.get(key);
    if (f && f.alert.id !== alert.id) this.withdraw(key, f.alert.id);
    else this.release(key);
  }

  private release(key: string): void {
    const f = this.forewarned.get(key);
    if (!f) return;
    this.forewarned.delete(key);
    this.forewarnedIds.delete(f.alert.id);
    f.settled();
  }

  /**
   * A user acting on an alert told ahead of its commit (a second or two under a heavy backlog)
   * waits until it is stored, or withdrawn (then: no such alert), at most STORED_WAIT_MS.
   */
  private async whenStored(id: string): Promise<void> {
    const pending = this.forewarnedIds.get(id);
    if (!pending) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pending, new Promise<void>((resolve) => (timer = setTimeout(resolve, STORED_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** Keeps `open` as announced (forewarned events are not stored, so they do not count). */
  private track(event: AlertChanged): void {
    if (event.forewarned || !FOREWARNED_TYPES.has(event.alert.type)) return;
    const isOpen = !event.alert.clearedAt;
    const key = keyOf(event.alert);
    if (this.open) {
      if (isOpen) this.open.add(key);
      else this.open.delete(key);
    } else this.openSeen?.set(key, isOpen);
  }

  follow(follower: AlertFollower): void {
    this.followers.push(follower);
  }

  /** Links an alert to the work order it raised or joined (a follower calls it; announce re-reads). */
  linkWorkOrder(alertId: string, workOrderId: string): Promise<void> {
    return this.repo.setWorkOrder(alertId, workOrderId);
  }

  async raise(input: RaiseAlert): Promise<AlertDto> {
    return (await this.raiseWithin(undefined, input))();
  }

  /** The condition is gone. No-op when nothing is open. */
  async clear(siteId: string, type: AlertType, subject: string, at?: Date): Promise<AlertDto | undefined> {
    return (await this.clearWithin(undefined, siteId, type, subject, at))?.();
  }

  /**
   * raise(), written in the caller's transaction: the state change that calls for the alert and
   * the alert commit together (one commit, not two, on an alarm's way to the screens: issue 9.4),
   * so no crash can fall between them. Nothing is announced until the caller, after its commit,
   * calls what this returns; a transaction that rolls back announces nothing.
   */
  async raiseWithin(tx: Queryable | undefined, input: RaiseAlert): Promise<AlertAnnouncement> {
    const { alert, inserted } = await this.repo.raise(this.raiseRow(input), tx);
    pathTrace.markAlert(alert, 'alertStored');
    return () => (this.confirm(alert), this.announce({ change: inserted ? 'raised' : 'repeated', alert }));
  }

  /**
   * raiseWithin/clearWithin for a caller that writes its state in one statement: the alerts become
   * CTEs of that statement (a single round trip, committed with the state or not at all).
   */
  writes(changes: readonly AlertChangeRequest[]): AlertWrites {
    const writes: AlertWrite[] = changes.map((c) => ('raise' in c ? { op: 'raise', row: this.raiseRow(c.raise) } : { op: 'clear', ...c.clear }));
    const steps: AlertStep[] = [];
    const step = (event: AlertChanged, before?: () => void): void => {
      steps.push({ tell: () => (before?.(), this.changes$.next(event)), follow: () => this.followUp(event) });
    };
    return {
      count: writes.length,
      steps,
      sql: (param) => this.repo.writeSql(writes, param),
      written: (row) => {
        for (const [i, w] of this.repo.written(row, writes.length).entries()) {
          if (!w) continue;
          if (writes[i]!.op === 'clear') {
            step({ change: 'cleared', alert: w.alert, byCondition: true });
            continue;
          }
          pathTrace.markAlert(w.alert, 'alertStored');
          step({ change: w.inserted ? 'raised' : 'repeated', alert: w.alert }, () => this.confirm(w.alert));
        }
      },
    };
  }

  /** clear(), written in the caller's transaction (see raiseWithin); undefined when nothing was open. */
  async clearWithin(tx: Queryable | undefined, siteId: string, type: AlertType, subject: string, at?: Date): Promise<AlertAnnouncement | undefined> {
    const when = at ?? this.clock.now();
    const alert = await this.repo.clearBySubject(siteId, type, subject, when, null, undefined, tx);
    return alert && (() => this.announce({ change: 'cleared', alert, byCondition: true }));
  }

  async clearByUser(id: string, username: string, note?: string): Promise<AlertDto> {
    await this.whenStored(id);
    const alert = await this.repo.clearById(id, this.clock.now(), username, note);
    if (!alert) throw await this.whyNot(id, 'clear');
    return this.announce({ change: 'cleared', alert });
  }

  async acknowledge(id: string, username: string, note?: string): Promise<AlertDto> {
    await this.whenStored(id);
    const alert = await this.repo.acknowledge(id, this.clock.now(), username, note);
    if (!alert) throw await this.whyNot(id, 'acknowledge');
    return this.announce({ change: 'acknowledged', alert });
  }

  /** Issue 12.4: a shift's worth at once. Each is acknowledged (and announced) on its own; one already done is skipped, not an error. */
  async acknowledgeMany(ids: readonly string[], username: string, note?: string): Promise<AckManyResult> {
    const result: AckManyResult = { acknowledged: [], skipped: [] };
    for (const id of new Set(ids)) {
      await this.whenStored(id);
      const alert = await this.repo.acknowledge(id, this.clock.now(), username, note);
      if (alert) result.acknowledged.push(await this.announce({ change: 'acknowledged', alert }));
      else result.skipped.push({ id, reason: (await this.whyNot(id, 'acknowledge')).message });
    }
    return result;
  }

  /** The row a raise writes; a new alert takes the id the screens were forewarned of. */
  private raiseRow(input: RaiseAlert): RaiseRow {
    const rule = ALERT_RULES[input.type];
    const severity = input.severity ?? (rule.severity === 'config' ? 'major' : rule.severity);
    const id = this.forewarned.size > 0 ? this.forewarned.get(keyOf(input))?.alert.id : undefined;
    return { siteId: input.siteId, type: input.type, subject: input.subject, severity, message: input.message, at: input.at ?? this.clock.now(), details: input.details, ...(id && { id }) };
  }

  /** Quiets an unacknowledged alert's reminder until now + minutes; the reason goes in its timeline. */
  async snooze(id: string, username: string, minutes: number, reason: string): Promise<AlertDto> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + minutes * 60_000);
    await this.whenStored(id);
    const alert = await this.repo.snooze(id, until, { at: now.toISOString(), by: username, action: 'snooze', until: until.toISOString(), note: reason });
    if (!alert) throw await this.whyNot(id, 'acknowledge');
    return this.announce({ change: 'snoozed', alert });
  }

  list(query: AlertQuery): Promise<AlertDto[]> {
    return this.repo.list(query);
  }

  /** One page of the history and the cursor of the next (issue 12.7). */
  page(query: AlertQuery): Promise<{ items: AlertDto[]; nextCursor?: string }> {
    return this.repo.page(query);
  }

  findOpen(siteId: string, type: AlertType, subject: string): Promise<AlertDto | undefined> {
    return this.repo.findOpen(siteId, type, subject);
  }

  /** The open alerts of some types at a site (a list of subjects answered with one read). */
  findOpenOfTypes(siteId: string, types: readonly AlertType[]): Promise<AlertDto[]> {
    return this.repo.findOpenOfTypes(siteId, types);
  }

  /**
   * Makes the open alert of (type, subject) agree with a condition that holds or not: raised only
   * when none is open, so nothing counts twice; cleared when one is. For what stored state implies
   * (a replay after a crash between a commit and its alerts) and for rules that follow a level; a
   * fresh report that should count as a repeat calls raise.
   */
  async reassert(alert: RaiseAlert, holds: boolean): Promise<void> {
    if (!holds) {
      await this.clear(alert.siteId, alert.type, alert.subject, alert.at);
      return;
    }
    if (await this.repo.findOpen(alert.siteId, alert.type, alert.subject)) return;
    await this.raise(alert);
  }

  /**
   * The live view first, then the followers (they may link a work order); if a follower changed
   * the alert, the live view hears it again. The screens used to wait for the work order (a
   * transaction of its own) and a re-read: most of PUBLISH → `alert` on the socket (issue 9.4).
   */
  private async announce(event: AlertChanged): Promise<AlertDto> {
    this.changes$.next(event);
    return this.followUp(event);
  }

  /** announce()'s second step: the followers, then the live view again if they changed the alert. */
  private async followUp(event: AlertChanged): Promise<AlertDto> {
    let current = event;
    for (const follower of this.followers) {
      await follower.alertChanged(current);
      const reread = await this.repo.findById(current.alert.id);
      if (reread) current = { ...current, alert: reread };
    }
    if (current !== event && !isDeepStrictEqual(current.alert, event.alert)) this.changes$.next(current);
    return current.alert;
  }

  private async whyNot(id: string, action: 'acknowledge' | 'clear'): Promise<Error> {
    const current = await this.repo.findById(id);
    if (!current) return new NotFoundException(`no alert with id ${id}`);
    if (action === 'acknowledge') {
      return new ConflictException(`alert ${id} was already acknowledged by ${current.acknowledgedBy} at ${current.acknowledgedAt}`);
    }
    return new ConflictException(`alert ${id} is already cleared (${current.clearedAt})`);
  }
}

const keyOf = (a: { siteId: string; type: string; subject: string }) => `${a.siteId}\u0000${a.type}\u0000${a.subject}`;
