// Typed fetch wrapper for CONTRACT §6. The bearer token comes from the auth store through
// `configureHttp`, and a 401 (token expired) hands control back to it.
import type {
  AlertDto,
  AlertStatus,
  AlertType,
  CreateWorkOrderBody,
  DepartmentId,
  DeviceDto,
  HealthDto,
  LoginResponse,
  UserDto,
  WorkOrderDto,
  WorkOrderEventBody,
  WorkOrderSourceId,
  WorkOrderStatusId,
} from '@estate-watch/contracts';

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
  token: () => string | null;
  onUnauthorized: () => void;
}
let hooks: HttpHooks = { token: () => null, onUnauthorized: () => undefined };

export function configureHttp(next: HttpHooks): void {
  hooks = next;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = hooks.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (err) {
    throw new HttpError(0, err instanceof Error ? err.message : String(err));
  }
  const payload: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    // Login answers 401 for a wrong password: that is not an expired session.
    if (res.status === 401 && token) hooks.onUnauthorized();
    throw new HttpError(res.status, errorMessage(payload) ?? res.statusText, payload);
  }
  return payload as T;
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
  login: (username: string, password: string) => request<LoginResponse>('POST', '/api/auth/login', { username, password }),
  me: () => request<UserDto | { user: UserDto }>('GET', '/api/auth/me'),
  health: () => request<HealthDto>('GET', '/api/health'),
  alerts: (q: AlertListQuery = {}) => request<AlertDto[]>('GET', `/api/alerts${query(q)}`),
  ackAlert: (alertId: string, note?: string) => request<AlertDto>('POST', `/api/alerts/${id(alertId)}/ack`, { note: note || undefined }),
  clearAlert: (alertId: string, note?: string) => request<AlertDto>('POST', `/api/alerts/${id(alertId)}/clear`, { note: note || undefined }),
  devices: () => request<DeviceDto[]>('GET', '/api/devices'),
  workOrders: (q: WorkOrderListQuery = {}) => request<WorkOrderDto[]>('GET', `/api/work-orders${query(q)}`),
  workOrder: (orderId: string) => request<WorkOrderDto>('GET', `/api/work-orders/${id(orderId)}`),
  createWorkOrder: (body: CreateWorkOrderBody) => request<WorkOrderDto>('POST', '/api/work-orders', body),
  workOrderEvent: (orderId: string, body: WorkOrderEventBody) => request<WorkOrderDto>('POST', `/api/work-orders/${id(orderId)}/events`, body),
};
