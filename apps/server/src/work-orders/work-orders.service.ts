import { BadRequestException, ConflictException, Inject, Injectable, Logger, NotFoundException } from '@nestjs/common';
import { Subject } from 'rxjs';
import { encodeCursor } from '@estate-watch/contracts';
import type {
  CreateWorkOrderBody,
  SiteConfig,
  SystemNote,
  WorkOrderConflictBody,
  WorkOrderDto,
  WorkOrderEventBody,
  WorkOrderQuery,
} from '@estate-watch/contracts';
import {
  allowedActions,
  callbackNowOverdue,
  deadlineDueAt,
  deadlines,
  departmentSla,
  dueEscalations,
  FALLBACK_SLA,
  higherPriority,
  judgeAction,
  newOrderDepartment,
  nextPriority,
  transition,
  workOrderNumber,
  type DepartmentSla,
  type Escalation,
  type InputRefusal,
  type SiteDepartments,
  type WorkOrderActionInput,
} from '@estate-watch/domain';
import { CLOCK, type Clock } from '../common/clock';
import type { NextDue } from '../common/periodic';
import { SitesService } from '../sites/sites.service';
import { toWorkOrderDto, toWorkOrderListDto } from './work-order-dto';
import { WorkOrdersRepository, type NewWorkOrder, type WorkOrderRow, type WorkOrderStore, type WorkOrderViewRow } from './work-orders.repository';

/** Who did it: a username, or 'system' for the rules (alert routing, escalation, device verification). */
export const SYSTEM = 'system';

/**
 * A note the system writes (issue 12.2): the zh-CN text API clients read, and the same in a
 * language-neutral form that screens compose in their reader's language.
 */
export interface SystemWritten {
  text: string;
  system: SystemNote;
}

/** The timeline columns of a system note. */
function noteColumns(note: SystemNote | undefined): { note_key: SystemNote['key'] | null; note_params: Record<string, unknown> | null } {
  return { note_key: note?.key ?? null, note_params: note ? { ...note.params } : null };
}

/** An action as the service applies it: from HTTP (a person) or from a rule (the system). */
export interface WorkOrderAction extends WorkOrderActionInput {
  by: string;
  /** A rule's note in its language-neutral form (`note` is its zh-CN text). */
  system?: SystemNote;
}

/** CONTRACT §5: work orders (派工单) — lifecycle, timeline, SLA escalation and the complaint callback. */
@Injectable()
export class WorkOrdersService {
  /** Every change, as the order looks after it (the live gateway pushes these as `workOrder`). */
  readonly changes$ = new Subject<WorkOrderDto>();
  private readonly log = new Logger(WorkOrdersService.name);

  constructor(
    private readonly repo: WorkOrdersRepository,
    private readonly sites: SitesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async list(query: WorkOrderQuery): Promise<WorkOrderDto[]> {
    return (await this.page(query)).items;
  }

  /** One page of the history, newest first, and the cursor of the next (issue 12.7). */
  async page(query: WorkOrderQuery): Promise<{ items: WorkOrderDto[]; nextCursor?: string }> {
    const rows = await this.repo.list(query);
    const ids = rows.map((r) => r.id);
    const [alertIds, timelines] = await Promise.all([this.repo.alertIds(ids), this.repo.timelineEntries(ids)]);
    const items = rows.map((r) => toWorkOrderListDto(r, this.sites.timezoneOf(r.site_id), alertIds.get(r.id) ?? [], timelines.get(r.id) ?? []));
    const last = rows.length === query.limit ? rows[rows.length - 1] : undefined;
    return { items, ...(last && { nextCursor: encodeCursor({ at: last.cursor_at, key: last.number }) }) };
  }

  async get(id: string): Promise<WorkOrderDto> {
    const row = await this.repo.findView(id);
    if (!row) throw new NotFoundException(`no work order with id ${id}`);
    return (await this.toDtos([row]))[0]!;
  }

  /** A complaint or an inspection raised by staff; it starts `new` and the control room dispatches it. */
  async create(body: CreateWorkOrderBody, by: string): Promise<WorkOrderDto> {
    const site = this.siteFor(body.siteId);
    const routed = newOrderDepartment(body.source, body.department, departmentsOf(site));
    if (!routed.ok) throw badRequest(routed);
    const { department, sla } = routed;
    const now = this.clock.now();
    const row = await this.insertWithTimeline(site, {
      status: 'new',
      site_id: site.site.id,
      source: body.source,
      department,
      priority: body.priority ?? 'normal',
      title: body.title,
      description: body.description,
      reporter: body.reporter ?? null,
      channel: body.channel ?? null,
      origin_key: null,
      ...this.deadlinesAt(now, sla),
      created_at: now,
      created_by: by,
    }, null);
    return this.emit(row!.id);
  }

  /** POST /api/work-orders/{id}/events: one action by a person. */
  async act(id: string, body: WorkOrderEventBody, by: string): Promise<WorkOrderDto> {
    const order = await this.repo.findById(id);
    if (!order) throw new NotFoundException(`no work order with id ${id}`);
    return this.apply(order, { ...body, by });
  }

  /**
   * Applies an action if the pure state machine allows it and the order is still in the status
   * it was checked against; writes the change and its timeline entry together; pushes it live.
   */
  async apply(order: WorkOrderRow, a: WorkOrderAction): Promise<WorkOrderDto> {
    const now = this.clock.now();
    const site = this.sites.site(order.site_id);
    const facts = { siteId: order.site_id, source: order.source, status: order.status, department: order.department, createdAt: order.created_at };
    const verdict = judgeAction(facts, a, site && departmentsOf(site), now);
    if (!verdict.ok) throw verdict.reason === 'not_allowed' ? conflict(verdict.message, order) : badRequest(verdict);
    const updated = await this.repo.transaction(async (store) => {
      const row = await store.update(order.id, order.status, verdict.change, now);
      if (!row) return undefined;
      const routed = a.action === 'dispatch' ? { department: a.department ?? null, assignee: a.assignee ?? null } : {};
      await store.addEvent({ work_order_id: order.id, at: now, by: a.by, action: a.action, note: a.note ?? null, ...noteColumns(a.system), from_status: order.status, to_status: row.status, ...routed });
      return row;
    });
    if (!updated) {
      const current = await this.repo.findById(order.id);
      throw conflict(`the order changed meanwhile: it is ${current?.status ?? 'gone'} now, no longer ${order.status}`, current ?? order);
    }
    return this.emit(order.id);
  }

  /**
   * CONTRACT §5 deadlines, checked at `now` (bootstrap runs it every 10 s): a missed accept or
   * resolve deadline escalates once each, one priority step up; a complaint resolved and not
   * called back within 3 days is flagged once. Returns the orders that changed.
   */
  async sweepDeadlines(now: Date): Promise<WorkOrderDto[]> {
    const changed: WorkOrderDto[] = [];
    for (const due of await this.repo.findDue(now)) {
      let row: WorkOrderRow | undefined = due;
      let touched = false;
      const state = { status: due.status, acceptBy: due.accept_by, resolveBy: due.resolve_by, acceptEscalated: due.accept_escalated_at !== null, resolveEscalated: due.resolve_escalated_at !== null };
      for (const kind of dueEscalations(state, now)) {
        const escalated: WorkOrderRow | undefined = await this.escalate(row!, kind, now);
        if (!escalated) break; // someone acted on it meanwhile; the next sweep looks again
        row = escalated;
        touched = true;
      }
      const callback = { source: due.source, status: due.status, callbackDueAt: due.callback_due_at ?? undefined, callbackOverdue: due.callback_overdue };
      if (callbackNowOverdue(callback, now)) {
        const flagged = await this.repo.transaction(async (store) => {
          const r = await store.flagCallbackOverdue(due.id, now);
          const dueAt = due.callback_due_at!.toISOString();
          if (r) await this.event(store, r, now, 'callback_overdue', { text: `回访逾期：应于 ${dueAt} 前完成回访`, system: { key: 'callbackOverdue', params: { dueAt } } });
          return r;
        });
        touched ||= flagged !== undefined;
      }
      if (touched) changed.push(await this.emit(due.id));
    }
    return changed;
  }

  /**
   * When sweepDeadlines next has work (a replay runs it then, common/periodic.ts NextDue): the first
   * accept or resolve deadline not yet escalated, or complaint callback not yet flagged, to pass.
   * An order made now (an alert's) has its first deadline no sooner than the shortest SLA.
   */
  deadlineDue(): NextDue {
    const sites = this.sites;
    return {
      after: async () => {
        let due = Infinity;
        for (const row of await this.repo.findPending()) {
          const at = deadlineDueAt({
            status: row.status,
            acceptBy: row.accept_by,
            resolveBy: row.resolve_by,
            acceptEscalated: row.accept_escalated_at !== null,
            resolveEscalated: row.resolve_escalated_at !== null,
            source: row.source,
            callbackDueAt: row.callback_due_at ?? undefined,
            callbackOverdue: row.callback_overdue,
          });
          if (at) due = Math.min(due, at.getTime());
        }
        return Number.isFinite(due) ? new Date(due) : null;
      },
      get leadMs() {
        const slas = [FALLBACK_SLA, ...sites.all().flatMap((s) => s.departments.map((d) => d.sla))];
        return Math.min(...slas.flatMap((sla) => [sla.acceptMin, sla.resolveMin])) * 60_000;
      },
    };
  }

  /** Used by the alert follower: one order per origin key, created dispatched to the rule's department. */
  async createForAlert(site: SiteConfig, order: Omit<NewWorkOrder, 'accept_by' | 'resolve_by' | 'created_at' | 'created_by' | 'status'>, alertId: string, why: SystemWritten): Promise<WorkOrderRow | undefined> {
    const now = this.clock.now();
    const known = departmentSla(departmentsOf(site), order.department);
    const sla = known ?? FALLBACK_SLA;
    if (!known) this.log.warn(`site ${site.site.id} has no department ${order.department}: default SLA used`);
    const row = await this.insertWithTimeline(site, { ...order, status: 'new', ...this.deadlinesAt(now, sla), created_at: now, created_by: SYSTEM }, { alertId, why });
    if (row) await this.emit(row.id);
    return row;
  }

  /**
   * A further alert of the same origin joins the open order (timeline entry); a more severe one
   * raises its priority (dispenser.empty on a replenish order). An alert already attached changes nothing.
   */
  /** `descriptionLine`: what the alert adds to the order's description (a patrol round's next missed checkpoint). */
  async attachAlert(order: WorkOrderRow, alertId: string, why: SystemWritten, priority: WorkOrderRow['priority'], descriptionLine?: string): Promise<void> {
    const now = this.clock.now();
    const changed = await this.repo.transaction(async (store) => {
      if (!(await store.attachAlert(order.id, alertId, now))) return false;
      await this.event(store, order, now, 'attach_alert', why);
      if (descriptionLine) await store.appendDescription(order.id, descriptionLine, now);
      const to = higherPriority(order.priority, priority);
      if (to !== order.priority && (await store.raisePriority(order.id, order.priority, to, now))) {
        await this.event(store, order, now, 'priority', { text: `更严重的告警并入：优先级 ${order.priority} → ${to}`, system: { key: 'priorityRaised', params: { from: order.priority, to } } });
      }
      return true;
    });
    if (changed) await this.emit(order.id);
  }

  async findOpenByAlert(alertId: string): Promise<WorkOrderRow | undefined> {
    return this.repo.findOpenByAlert(alertId);
  }

  async countUnclearedAlerts(orderId: string): Promise<number> {
    return this.repo.countUnclearedAlerts(orderId);
  }

  async findOpenByOrigin(siteId: string, originKey: string): Promise<WorkOrderRow | undefined> {
    return this.repo.findOpenByOrigin(siteId, originKey);
  }

  /** Re-reads the order and pushes it live. */
  async emit(id: string): Promise<WorkOrderDto> {
    const dto = await this.get(id);
    this.changes$.next(dto);
    return dto;
  }

  private async insertWithTimeline(site: SiteConfig, o: NewWorkOrder, fromAlert: { alertId: string; why: SystemWritten } | null): Promise<WorkOrderRow | undefined> {
    return this.repo.transaction(async (store) => {
      const number = workOrderNumber(o.created_at, site.site.timezone, await store.nextNumber());
      const row = await store.insert(o, number);
      if (!row) return undefined; // an open order already holds this origin key
      await store.addEvent({ work_order_id: row.id, at: o.created_at, by: o.created_by, action: 'create', note: fromAlert?.why.text ?? null, ...noteColumns(fromAlert?.why.system), from_status: null, to_status: 'new' });
      if (!fromAlert) return row;
      await store.attachAlert(row.id, fromAlert.alertId, o.created_at);
      // The control room's routing for alert orders is the rule's: dispatched at once (§4 table).
      const routed = transition({ status: 'new', source: row.source, action: 'dispatch' });
      if (!routed.ok) throw new Error(routed.reason);
      const dispatched = await store.update(row.id, 'new', { status: routed.status, dispatchedAt: o.created_at }, o.created_at);
      const rule: SystemWritten = { text: `按告警规则派至 ${row.department}`, system: { key: 'routedByRule', params: { department: row.department } } };
      await this.event(store, row, o.created_at, 'dispatch', rule, 'new', routed.status);
      return dispatched;
    });
  }

  private async escalate(row: WorkOrderRow, kind: Escalation, now: Date): Promise<WorkOrderRow | undefined> {
    const to = nextPriority(row.priority);
    const dueAt = (kind === 'accept' ? row.accept_by : row.resolve_by).toISOString();
    const deadline = kind === 'accept' ? `超过受理时限（acceptBy ${dueAt}）仍未受理` : `超过解决时限（resolveBy ${dueAt}）仍未解决`;
    return this.repo.transaction(async (store) => {
      const escalated = await store.escalate(row.id, kind, row.status, row.priority, to, now);
      const note: SystemWritten = { text: `${deadline}：升级，优先级 ${row.priority} → ${to}`, system: { key: 'escalated', params: { deadline: kind, dueAt, from: row.priority, to } } };
      if (escalated) await this.event(store, escalated, now, 'escalate', note);
      return escalated;
    });
  }

  private event(store: WorkOrderStore, row: WorkOrderRow, at: Date, action: 'create' | 'dispatch' | 'escalate' | 'callback_overdue' | 'attach_alert' | 'priority', note: SystemWritten, from?: WorkOrderRow['status'], to?: WorkOrderRow['status']): Promise<void> {
    return store.addEvent({ work_order_id: row.id, at, by: SYSTEM, action, note: note.text, ...noteColumns(note.system), from_status: from ?? null, to_status: to ?? null });
  }

  private siteFor(siteId: string | undefined): SiteConfig {
    if (siteId) {
      const site = this.sites.site(siteId);
      if (!site) throw new BadRequestException(`siteId: no site "${siteId}"`);
      return site;
    }
    const all = this.sites.all();
    if (all.length !== 1) throw new BadRequestException(`siteId: this server runs ${all.length} sites; say which (${all.map((s) => s.site.id).join(', ')})`);
    return all[0]!;
  }

  private deadlinesAt(from: Date, sla: DepartmentSla): Pick<WorkOrderRow, 'accept_by' | 'resolve_by'> {
    const d = deadlines(from, sla);
    return { accept_by: d.acceptBy, resolve_by: d.resolveBy };
  }

  private async toDtos(rows: WorkOrderViewRow[]): Promise<WorkOrderDto[]> {
    const ids = rows.map((r) => r.id);
    const [alertIds, timelines] = await Promise.all([this.repo.alertIds(ids), this.repo.timelines(ids)]);
    return rows.map((r) => toWorkOrderDto(r, this.sites.timezoneOf(r.site_id), alertIds.get(r.id) ?? [], timelines.get(r.id) ?? []));
  }
}

function departmentsOf(site: SiteConfig): SiteDepartments {
  return { siteId: site.site.id, departments: site.departments };
}

function badRequest(refusal: InputRefusal): BadRequestException {
  return new BadRequestException(refusal.message);
}

/** 409 with what the order is and what may be done to it instead. */
function conflict(message: string, order: WorkOrderRow): ConflictException {
  const body: WorkOrderConflictBody = { statusCode: 409, message, status: order.status, allowed: allowedActions(order.status, order.source) };
  return new ConflictException(body);
}
