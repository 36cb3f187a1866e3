import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AlertDto, WorkOrderDto } from '@estate-watch/contracts';
import { playChime } from '../lib/chime';
import { siteZone } from '../lib/dates';
import { nowCoarse } from '../lib/now';
import { useAuthStore } from './auth';
import { chimeForRaise, isMuted, shiftEnd, type ShiftMute } from './reminder-logic';
import { useSitesStore } from './sites';

const MAX_TOASTS = 4;
const TOAST_MS = 12_000;
const MUTE_KEY = 'estate-watch.mute';

export type Toast = { key: number; kind: 'alert'; alert: AlertDto } | { key: number; kind: 'workOrder'; order: WorkOrderDto };
type ToastBody = { kind: 'alert'; alert: AlertDto } | { kind: 'workOrder'; order: WorkOrderDto };

/**
 * Toasts and the chime: newly raised major/critical alerts and orders that just became
 * escalated (the alerts and work-orders stores decide when).
 */
export const useNotifyStore = defineStore('notify', () => {
  const toasts = ref<Toast[]>([]);
  const mute = ref<ShiftMute | null>(storedMute());
  /** Muted by the signed-in user, for the rest of their shift only (issue 12.4). */
  const muted = computed(() => isMuted(mute.value, useAuthStore().user?.username, new Date(nowCoarse.value)));
  let next = 1;

  function push(body: ToastBody, chime: 'major' | 'critical' | null): void {
    const key = next++;
    toasts.value = [{ key, ...body } as Toast, ...toasts.value].slice(0, MAX_TOASTS);
    setTimeout(() => dismiss(key), TOAST_MS);
    if (chime) playChime(chime);
  }

  function alertRaised(alert: AlertDto): void {
    push({ kind: 'alert', alert }, chimeForRaise(alert.severity, muted.value));
  }

  function orderEscalated(order: WorkOrderDto): void {
    push({ kind: 'workOrder', order }, muted.value ? null : 'major');
  }

  /** The 30-s reminder of unacknowledged critical alerts (CriticalBanner's timer). */
  function remind(): void {
    if (!muted.value) playChime('critical');
  }

  function dismiss(key: number): void {
    toasts.value = toasts.value.filter((t) => t.key !== key);
  }

  function toggleMute(): void {
    const user = useAuthStore().user?.username;
    if (!user) return;
    mute.value = muted.value ? null : { user, until: shiftEnd(new Date(), siteZone(useSitesStore().zones)).toISOString() };
    if (mute.value) localStorage.setItem(MUTE_KEY, JSON.stringify(mute.value));
    else localStorage.removeItem(MUTE_KEY);
  }

  function reset(): void {
    toasts.value = [];
  }

  return { toasts, muted, mute, alertRaised, orderEscalated, remind, dismiss, toggleMute, reset };
});

function storedMute(): ShiftMute | null {
  try {
    const parsed = JSON.parse(localStorage.getItem(MUTE_KEY) ?? 'null') as ShiftMute | null;
    return parsed && typeof parsed.user === 'string' && typeof parsed.until === 'string' ? parsed : null;
  } catch {
    return null;
  }
}
