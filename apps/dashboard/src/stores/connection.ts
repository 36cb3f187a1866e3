import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { HealthDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import type { LinkState } from './connection-logic';

/** Often enough that a backlog past 5 s shows within seconds (the health call is cheap). */
const HEALTH_EVERY_MS = 5_000;

/** State of the live link (fed by realtime/socket.ts) and of the server's own dependencies. */
export const useConnectionStore = defineStore('connection', () => {
  const link = ref<LinkState>('idle');
  /** When `link` last changed (ms since epoch): the banner shows how long it has been so. */
  const since = ref(Date.now());
  const health = ref<HealthDto | null>(null);
  let healthTimer: ReturnType<typeof setInterval> | undefined;

  function setLink(next: LinkState): void {
    // Reconnect attempts repeat "reconnecting": keep the time of the first drop.
    if (next === link.value) return;
    link.value = next;
    since.value = Date.now();
  }

  async function checkHealth(): Promise<void> {
    health.value = await api.health().catch(() => null);
  }

  function watchHealth(on: boolean): void {
    clearInterval(healthTimer);
    healthTimer = undefined;
    if (!on) return;
    void checkHealth();
    healthTimer = setInterval(() => void checkHealth(), HEALTH_EVERY_MS);
  }

  return { link, since, health, setLink, watchHealth, checkHealth };
});
