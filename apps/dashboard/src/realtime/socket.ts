// The one Socket.IO connection (CONTRACT §6: namespace /live). It signs in with the browser's
// session cookie, which the handshake carries (issue 8 point 7), so no token passes through page
// scripts. It only feeds stores; components read the stores. The only file that imports socket.io-client.
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE, type LiveEvents } from '@estate-watch/contracts/live';
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

export function startLive(): void {
  const auth = useAuthStore();
  // The live feed is the control room's (every alert, order and plate): the server refuses guards.
  if (socket || auth.isGuard) return;
  const connection = useConnectionStore();
  const alerts = useAlertsStore();
  const devices = useDevicesStore();
  const workOrders = useWorkOrdersStore();
  const rounds = useRoundsStore();
  const parking = useParkingStore();
  const consumables = useConsumablesStore();
  const equipment = useEquipmentStore();
  const history = useHistoryStore();
  const sites = useSitesStore();

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
    void alerts.refetch();
    void devices.refetch();
    void workOrders.refetch();
    void rounds.refetch();
    void parking.refetch();
    void consumables.refetch();
    void equipment.refetch();
    void history.refetch();
    void sites.refetch();
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
  socket.on('alert', (alert) => {
    alerts.received(alert);
    equipment.alertChanged(alert);
  });
  socket.on('device', (device) => {
    devices.received(device);
    // Lots and dispensers have no live event of their own: a gate's or dispenser's message reloads them.
    parking.deviceChanged(device);
    consumables.deviceChanged(device);
    equipment.deviceChanged(device);
    history.deviceChanged(device);
  });
  socket.on('workOrder', (order) => workOrders.received(order));
  socket.on('patrol', (round) => rounds.received(round));
}

export function stopLive(): void {
  socket?.disconnect();
  socket = null;
  const connection = useConnectionStore();
  connection.watchHealth(false);
  connection.setLink('idle');
  useAlertsStore().reset();
  useDevicesStore().reset();
  useWorkOrdersStore().reset();
  useRoundsStore().reset();
  useReportsStore().reset();
  useParkingStore().reset();
  useConsumablesStore().reset();
  useEquipmentStore().reset();
  useHistoryStore().reset();
  useNotifyStore().reset();
  useAuditStore().reset();
}

function isAuthError(err: Error & { data?: unknown }): boolean {
  const data = err.data as { statusCode?: number } | undefined;
  return data?.statusCode === 401 || /unauthori[sz]ed|jwt|token/i.test(err.message);
}
