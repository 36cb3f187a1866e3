// Typed fetch wrapper for CONTRACT §6. The dashboard signs in with the server's httpOnly session
// cookie (issue 8 point 7): page scripts never hold the token, the browser sends the cookie, and
// every state-changing call repeats the CSRF token from the script-readable `ew_csrf` cookie in
// X-CSRF-Token. A 401 (session expired) hands control back to the auth store through `configureHttp`.
import type {
  AckManyResult,
  AlertDto,
  AuditAction,
  AuditPageDto,
  Role,
  AlertStatus,
  AlertType,
  CreateWorkOrderBody,
  FindingCreatedDto,
  GuardTodayDto,
  WorkOrderPhotoDto,
  DailyReportDto,
  PatrolReportDto,
  DispenserDto,
  GateOpenResult,
  DepartmentId,
  DeviceDto,
  HealthDto,
  LoginResponse,
  ParkingLotDto,
  SiteDto,
  RoundDto,
  SensorDto,
  TelemetryDto,
  UserAccountDto,
  UserDto,
  WorkOrderDto,
  WorkOrderEventBody,
  WorkOrderReportDto,
  WorkOrderSourceId,
  WorkOrderStatusId,
} from '@estate-watch/contracts';
import { NEXT_CURSOR_HEADER } from '@estate-watch/contracts/web-constants';

/**
 * An API error with the server's `{statusCode, message}`; statusCode 0 means the network failed.
 * `body` is the whole answer, e.g. a 409's `allowed` actions.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

interface HttpHooks {
  onUnauthorized: () => void;
}
let hooks: HttpHooks = { onUnauthorized: () => undefined };

export function configureHttp(next: HttpHooks): void {
  hooks = next;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** The server's session-bound CSRF token (apps/server/src/auth/session-cookies.ts). */
export const CSRF_COOKIE = 'ew_csrf';

export function readCookie(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const res = await send(method, path, 'application/json', body);
  return (await res.json().catch(() => undefined)) as T;
}

/** A page that is not JSON (the printable duty log): the text, with the same token and error handling. */
async function requestText(path: string): Promise<string> {
  return (await send('GET', path, 'text/html')).text();
}

async function send(method: Method, path: string, accept: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept };
  const csrf = method === 'GET' ? undefined : readCookie(document.cookie, CSRF_COOKIE);
  if (csrf) headers['X-CSRF-Token'] = csrf;
  // A form (a guard's finding with photos) goes as multipart/form-data, its boundary set by the browser.
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : form ? body : JSON.stringify(body) });
  } catch (err) {
    throw new HttpError(0, err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) {
    const payload: unknown = await res.json().catch(() => undefined);
    // Login answers 401 for a wrong password: that is not an expired session.
    if (res.status === 401 && !path.startsWith('/api/auth/')) hooks.onUnauthorized();
    throw new HttpError(res.status, errorMessage(payload) ?? res.statusText, payload);
  }
  return res;
}

function errorMessage(payload: unknown): string | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const message = (payload as { message?: unknown }).message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : undefined;
}

export interface AlertListQuery {
  status?: AlertStatus | 'open';
  type?: AlertType;
  limit?: number;
}

function query(params: object): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined && v !== '');
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))}` : '';
}

export interface WorkOrderListQuery {
  status?: WorkOrderStatusId | 'open';
  department?: DepartmentId;
  source?: WorkOrderSourceId;
  escalated?: boolean;
  limit?: number;
}

const id = (value: string) => encodeURIComponent(value);

export const api = {
  /** The guards' phone page (issue 12 point 8). */
  guardToday: () => request<GuardTodayDto>('GET', '/api/guard/today'),
  reportFinding: (form: FormData) => request<FindingCreatedDto>('POST', '/api/guard/findings', form),
  workOrderPhotos: (orderId: string) => request<WorkOrderPhotoDto[]>('GET', `/api/work-orders/${id(orderId)}/photos`),
  /** Sets the session cookies; the answer's token is for API clients and is not kept. */
  login: (username: string, password: string) => request<LoginResponse>('POST', '/api/auth/login', { username, password }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  me: () => request<UserDto | { user: UserDto }>('GET', '/api/auth/me'),
  health: () => request<HealthDto>('GET', '/api/health'),
  alerts: (q: AlertListQuery = {}) => request<AlertDto[]>('GET', `/api/alerts${query(q)}`),
  ackAlert: (alertId: string, note?: string) => request<AlertDto>('POST', `/api/alerts/${id(alertId)}/ack`, { note: note || undefined }),
  ackAlerts: (ids: string[], note?: string) => request<AckManyResult>('POST', '/api/alerts/ack', { ids, note: note || undefined }),
  snoozeAlert: (alertId: string, minutes: number, reason: string) => request<AlertDto>('POST', `/api/alerts/${id(alertId)}/snooze`, { minutes, reason }),
  clearAlert: (alertId: string, note?: string) => request<AlertDto>('POST', `/api/alerts/${id(alertId)}/clear`, { note: note || undefined }),
  devices: () => request<DeviceDto[]>('GET', '/api/devices'),
  workOrders: (q: WorkOrderListQuery = {}) => request<WorkOrderDto[]>('GET', `/api/work-orders${query(q)}`),
  workOrder: (orderId: string) => request<WorkOrderDto>('GET', `/api/work-orders/${id(orderId)}`),
  createWorkOrder: (body: CreateWorkOrderBody) => request<WorkOrderDto>('POST', '/api/work-orders', body),
  workOrderEvent: (orderId: string, body: WorkOrderEventBody) => request<WorkOrderDto>('POST', `/api/work-orders/${id(orderId)}/events`, body),
  /** Without a date: today, site-local (the server's answer says which day in `localDate`). */
  rounds: (date?: string) => request<RoundDto[]>('GET', `/api/patrol/rounds${query({ date })}`),
  /** `from` inclusive, `to` exclusive, dates site-local (apps/server/src/reports/README.md). */
  workOrderReport: (from: string, to: string) => request<WorkOrderReportDto>('GET', `/api/reports/work-orders${query({ from, to })}`),
  dailyReport: (date: string) => request<DailyReportDto>('GET', `/api/reports/daily${query({ date })}`),
  /** Patrol compliance by route and guard over [from, to) (issue 12.5). */
  patrolReport: (from: string, to: string) => request<PatrolReportDto>('GET', `/api/reports/patrol${query({ from, to })}`),
  dailyReportHtml: (date: string) => requestText(`/api/reports/daily.html${query({ date })}`),
  /** The configured sites and their own departments (CONTRACT §2). */
  sites: () => request<SiteDto[]>('GET', '/api/sites'),
  parkingLots: () => request<ParkingLotDto[]>('GET', '/api/parking/lots'),
  /** Supervisor+. 200 with the gate's ack; a 504 (HttpError) when it did not answer in time. */
  openGate: (gateId: string, siteId: string, reason: string) => request<GateOpenResult>('POST', `/api/gates/${id(gateId)}/open${query({ siteId })}`, { reason }),
  dispensers: () => request<DispenserDto[]>('GET', '/api/consumables/dispensers'),
  equipment: () => request<SensorDto[]>('GET', '/api/equipment'),
  /** `from` inclusive, `to` exclusive; `step` absent: raw points (apps/server/src/telemetry/README.md). */
  telemetry: (q: TelemetryQuery) => request<TelemetryDto>('GET', `/api/telemetry${query(q)}`),
  /** Admin. Newest first; pass the answer's `next` as `before` for the following page. */
  audit: (q: AuditListQuery = {}) => request<AuditPageDto>('GET', `/api/audit${query(q)}`),
  users: () => request<UserDto[]>('GET', '/api/users'),
  createUser: (username: string, password: string, role: Role) => request<UserDto>('POST', '/api/users', { username, password, role }),
  changeRole: (username: string, role: Role) => request<UserDto>('PATCH', `/api/users/${id(username)}`, { role }),
  removeUser: (username: string) => request<UserDto>('DELETE', `/api/users/${id(username)}`),
  // Issue 12.7: the users screen, and the histories (one page; the next via its cursor) and their CSV.
  accounts: () => request<UserAccountDto[]>('GET', '/api/users/accounts'),
  disableUser: (username: string) => request<UserAccountDto>('POST', `/api/users/${id(username)}/disable`),
  enableUser: (username: string) => request<UserAccountDto>('POST', `/api/users/${id(username)}/enable`),
  resetPassword: (username: string, password: string) => request<UserAccountDto>('POST', `/api/users/${id(username)}/password`, { password }),
  alertHistory: (q: HistoryQuery) => requestPage<AlertDto>(`/api/alerts${query(q)}`),
  workOrderHistory: (q: HistoryQuery) => requestPage<WorkOrderDto>(`/api/work-orders${query(q)}`),
  /** Saves the CSV the server made (the session cookie authorises it) under the server's file name. */
  downloadCsv: async (path: string, q: HistoryQuery | TelemetryQuery) => {
    const res = await send('GET', `${path}${query({ ...q, cursor: undefined, limit: undefined })}`, 'text/csv');
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export.csv';
    const url = URL.createObjectURL(await res.blob());
    const a = Object.assign(document.createElement('a'), { href: url, download: name });
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  },
};

/** GET /api/alerts and /api/work-orders history parameters (issue 12.7); from/to RFC 3339. */
export interface HistoryQuery {
  q?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

async function requestPage<T>(path: string): Promise<{ items: T[]; nextCursor?: string }> {
  const res = await send('GET', path, 'application/json');
  return { items: (await res.json()) as T[], nextCursor: res.headers.get(NEXT_CURSOR_HEADER) ?? undefined };
}

export interface AuditListQuery {
  user?: string;
  /** An action, or a group such as `work_order`. */
  action?: AuditAction | string;
  /** RFC 3339; `from` inclusive, `to` exclusive. */
  from?: string;
  to?: string;
  before?: number;
  limit?: number;
}

export interface TelemetryQuery {
  device: string;
  site?: string;
  metric?: string;
  from?: string;
  to?: string;
  step?: string;
}
