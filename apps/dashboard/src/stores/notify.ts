import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AlertDto, WorkOrderDto } from '@estate-watch/contracts';
import { playChime } from '../lib/chime';

const MAX_TOASTS = 4;
const TOAST_MS = 12_000;
const MUTE_KEY = 'estate-watch.muted';

export type Toast = { key: number; kind: 'alert'; alert: AlertDto } | { key: number; kind: 'workOrder'; order: WorkOrderDto };
type ToastBody = { kind: 'alert'; alert: AlertDto } | { kind: 'workOrder'; order: WorkOrderDto };

/**
 * Toasts and the chime: newly raised major/critical alerts and orders that just became
 * escalated (the alerts and work-orders stores decide when).
 */
export const useNotifyStore = defineStore('notify', () => {
  const toasts = ref<Toast[]>([]);
  const muted = ref(localStorage.getItem(MUTE_KEY) === '1');
  let next = 1;

  function push(body: ToastBody, chime: 'major' | 'critical'): void {
    const key = next++;
    toasts.value = [{ key, ...body } as Toast, ...toasts.value].slice(0, MAX_TOASTS);
    setTimeout(() => dismiss(key), TOAST_MS);
    if (!muted.value) playChime(chime);
  }

  function alertRaised(alert: AlertDto): void {
    push({ kind: 'alert', alert }, alert.severity === 'critical' ? 'critical' : 'major');
  }

  function orderEscalated(order: WorkOrderDto): void {
    push({ kind: 'workOrder', order }, 'major');
  }

  function dismiss(key: number): void {
    toasts.value = toasts.value.filter((t) => t.key !== key);
  }

  function toggleMute(): void {
    muted.value = !muted.value;
    localStorage.setItem(MUTE_KEY, muted.value ? '1' : '0');
  }

  function reset(): void {
    toasts.value = [];
  }

  return { toasts, muted, alertRaised, orderEscalated, dismiss, toggleMute, reset };
});
