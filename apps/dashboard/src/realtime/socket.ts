// The one Socket.IO connection (CONTRACT §6: namespace /live). It signs in with the browser's
// session cookie, which the handshake carries (issue 8 point 7), so no token passes through page
// scripts. It only feeds stores; components read the stores. The only file that imports socket.io-client.
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type LiveEventName, type LiveEvents } from '@estate-watch/contracts/live';
import { useAlertsStore } from '../stores/alerts';
import { useAuditStore } from '../stores/audit';
import { useAuthStore } from '../stores/auth';
import { useConsumablesStore } from '../stores/consumables';
import { useSitesStore } from '../stores/sites';
import { useConnectionStore } from '../stores/connection';
import { useDevicesStore } from '../stores/devices';
import { useEquipmentStore } from '../stores/equipment';
import { useHistoryStore } from '../stores/history';
import { useNotifyStore } from '../stores/notify';
import { useParkingStore } from '../stores/parking';
import { useReportsStore } from '../stores/reports';
import { useRoundsStore } from '../stores/rounds';
import { useWorkOrdersStore } from '../stores/work-orders';

type LiveSocket = Socket<LiveEvents, Record<string, never>>;
let socket: LiveSocket | null = null;

/** The live events a store takes, by name (`session` is the sign-in's, not a store's). */
type LiveHandlers = { [E in Exclude<LiveEventName, 'session'>]?: LiveEvents[E] };

/** What the live link does with a store: feed it events, reload it on every (re)connect, empty it on sign-out. */
interface LiveStore {
  refetch?: () => Promise<unknown>;
  reset?: () => void;
  on?: LiveHandlers;
}

function live<S extends Omit<LiveStore, 'on'>>(use: () => S, on?: (store: S) => LiveHandlers): () => LiveStore {
  return () => {
    const store = use();
    return { refetch: store.refetch, reset: store.reset, on: on?.(store) };
  };
}

/**
 * The one list of stores the live link keeps (issue 10 point 5; it was two hand-kept lists): which
 * events each takes, what it reloads and what it empties. The lists take their updates from the
 * socket, each object pushed as the server stored it with a revision (a store keeps the newer of a
 * push and an answer); events raised while the link was down were not delivered, so each reloads
 * once on connect (`refetch`) and nowhere else, and is emptied when the user signs out (`reset`).
 */
const LIVE_STORES: ReadonlyArray<() => LiveStore> = [
  live(useAlertsStore, (s) => ({ alert: s.received })),
  live(useDevicesStore, (s) => ({ device: s.received })),
  live(useWorkOrdersStore, (s) => ({ workOrder: s.received })),
  live(useRoundsStore, (s) => ({ patrol: s.received })),
  live(useParkingStore, (s) => ({ parking: s.received })),
  live(useConsumablesStore, (s) => ({ dispenser: s.received })),
  live(useEquipmentStore, (s) => ({ sensor: s.received })),
  // The open sensor's chart grows by the readings a sensor's `device` event carries.
  live(useHistoryStore, (s) => ({ device: s.deviceChanged })),
  live(useSitesStore),
  // Reset only: their pages load them on demand.
  () => ({ reset: useReportsStore().reset }),
  () => ({ reset: useNotifyStore().reset }),
  () => ({ reset: useAuditStore().reset }),
];

export function startLive(): void {
  const auth = useAuthStore();
  // The live feed is the control room's (every alert, order and plate): the server refuses guards.
  if (socket || auth.isGuard) return;
  const connection = useConnectionStore();

  connection.setLink('connecting');
  connection.watchHealth(true);
  socket = io(LIVE_NAMESPACE, {
    path: '/socket.io',
    withCredentials: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
  });

  socket.on('connect', () => {
    connection.setLink('connected');
    // Events raised while we were away were not delivered: reload the lists on every connect.
    for (const store of LIVE_STORES) void store().refetch?.();
    void connection.checkHealth();
  });
  socket.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') return;
    connection.setLink('reconnecting');
    // The server dropped us on purpose (e.g. token revoked): socket.io does not retry that itself.
    if (reason === 'io server disconnect' && auth.signedIn) socket?.connect();
  });
  // The server closes the link of a sign-in that no longer holds (token expired, user removed or
  // given another role) and says so first: back to the login page, which explains why.
  socket.on('session', () => auth.logout('expired'));
  socket.on('connect_error', (err) => {
    connection.setLink('reconnecting');
    if (isAuthError(err)) auth.logout('expired');
  });
  // Typed per store in LIVE_STORES; socket.io's overloads cannot follow a key picked at run time.
  const untyped = socket as unknown as Socket;
  for (const store of LIVE_STORES) {
    for (const [event, handler] of Object.entries(store().on ?? {})) untyped.on(event, handler as (payload: unknown) => void);
  }
}

export function stopLive(): void {
  socket?.disconnect();
  socket = null;
  const connection = useConnectionStore();
  connection.watchHealth(false);
  connection.setLink('idle');
  for (const store of LIVE_STORES) store().reset?.();
}

function isAuthError(err: Error & { data?: unknown }): boolean {
  const data = err.data as { statusCode?: number } | undefined;
  return data?.statusCode === 401 || /unauthori[sz]ed|jwt|token/i.test(err.message);
}
