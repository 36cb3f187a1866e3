import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AlertDto } from '@estate-watch/contracts';
import { playChime } from '../lib/chime';

const MAX_TOASTS = 4;
const TOAST_MS = 12_000;
const MUTE_KEY = 'estate-watch.muted';

export interface Toast {
  key: number;
  alert: AlertDto;
}

/** Toasts and the chime for newly raised major/critical alerts (the alerts store decides when). */
export const useNotifyStore = defineStore('notify', () => {
  const toasts = ref<Toast[]>([]);
  const muted = ref(localStorage.getItem(MUTE_KEY) === '1');
  let next = 1;

  function alertRaised(alert: AlertDto): void {
    const key = next++;
    toasts.value = [{ key, alert }, ...toasts.value].slice(0, MAX_TOASTS);
    setTimeout(() => dismiss(key), TOAST_MS);
    if (!muted.value) playChime(alert.severity === 'critical' ? 'critical' : 'major');
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

  return { toasts, muted, alertRaised, dismiss, toggleMute, reset };
});
