// The simulator beside a running server (`estate-sim run --server`, as npm start runs it): wait until
// the server answers, then read the lots' counts so the virtual cars start from them and a restart on
// kept data does not overfill the lots. The devices themselves only speak MQTT (CONTRACT §1); this is
// the simulator's one HTTP conversation, as any API client has it (CONTRACT §6).
import type { HealthDto, LoginResponse, ParkingLotDto } from '@estate-watch/contracts';
import { systemClock, type Clock } from '../common/clock';

export interface WaitForServerOptions {
  /** Give up after this long (default 3 min: a first start migrates the database). */
  withinMs?: number;
  /** Between two asks (default 250 ms). */
  everyMs?: number;
  clock?: Clock;
  /** Stops the wait (Ctrl-C while the server is still starting). */
  signal?: AbortSignal;
}

/**
 * Resolves once GET {url}/api/health answers and the server's own MQTT connection is up: from then
 * on the devices' messages reach it. Rejects, naming the last answer, after `withinMs`.
 */
export async function waitForServer(url: string, options: WaitForServerOptions = {}): Promise<void> {
  const clock = options.clock ?? systemClock;
  const withinMs = options.withinMs ?? 180_000;
  const deadline = clock.now() + withinMs;
  let last = 'no answer';
  for (;;) {
    options.signal?.throwIfAborted();
    last = await askHealth(url, options.signal);
    if (last === 'ready') return;
    if (clock.now() >= deadline) throw new Error(`the server at ${url} was not ready within ${Math.round(withinMs / 1000)} s (${last})`);
    await pause(clock, options.everyMs ?? 250, options.signal);
  }
}

async function askHealth(url: string, signal: AbortSignal | undefined): Promise<string> {
  try {
    const res = await fetch(new URL('/api/health', url), { signal: anyOf(signal, AbortSignal.timeout(5_000)) });
    if (!res.ok) return `health answered HTTP ${res.status}`;
    const health = (await res.json()) as HealthDto;
    return health.mqtt === 'up' ? 'ready' : "the server's MQTT connection is down";
  } catch (error) {
    if (signal?.aborted) throw error;
    const cause = (error as { cause?: { code?: string } }).cause;
    return cause?.code ?? (error as Error).message;
  }
}

export interface ApiAccount {
  username: string;
  password: string;
}

/** Every lot's count as the server holds it, by `site/lot` (EstateOptions.occupancy). Signs in as `account`. */
export async function lotOccupancy(url: string, account: ApiAccount): Promise<Record<string, number>> {
  const login = await fetch(new URL('/api/auth/login', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(account),
  });
  if (!login.ok) {
    throw new Error(`the server at ${url} refused user "${account.username}" (HTTP ${login.status}): set ADMIN_PASSWORD to that user's password, or leave out --server`);
  }
  const { token } = (await login.json()) as LoginResponse;
  const res = await fetch(new URL('/api/parking/lots', url), { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET ${url}/api/parking/lots answered HTTP ${res.status}: ${await res.text()}`);
  const lots = (await res.json()) as ParkingLotDto[];
  return Object.fromEntries(lots.map((l) => [`${l.siteId}/${l.id}`, l.occupancy]));
}

function pause(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      cancel();
      reject(signal!.reason);
    };
    const cancel = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function anyOf(a: AbortSignal | undefined, b: AbortSignal): AbortSignal {
  return a ? AbortSignal.any([a, b]) : b;
}
