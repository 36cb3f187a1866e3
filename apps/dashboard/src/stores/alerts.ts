import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { AlertDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { type AlertFilter, isLoudRaise, isOpen, openCriticalCount, staleIds, trim, upsertBounded, visibleAlerts } from './alert-logic';
import { useNotifyStore } from './notify';

/** The buffer never grows past this; closed alerts are evicted first (see alert-logic). */
export const ALERT_BUFFER = 500;
const OPEN_SCOPE: AlertFilter = { status: 'open', type: 'all' };

export const useAlertsStore = defineStore('alerts', () => {
  const byId = reactive(new Map<string, AlertDto>());
  const filter = ref<AlertFilter>({ ...OPEN_SCOPE });
  const loading = ref(false);
  const loadError = ref<string | null>(null);

  const visible = computed(() => visibleAlerts(byId.values(), filter.value));
  const openCritical = computed(() => openCriticalCount(byId.values()));
  const openCount = computed(() => [...byId.values()].filter(isOpen).length);

  /** A live `alert` event: every change of an alert arrives here. */
  function received(alert: AlertDto): void {
    const previous = byId.get(alert.id);
    upsertBounded(byId, alert, ALERT_BUFFER);
    if (isLoudRaise(previous, alert)) useNotifyStore().alertRaised(alert);
  }

  /**
   * Loads the open alerts (the tab title and default view depend on them) and, when the
   * operator looks at another scope, that one too. Called on every (re)connect so nothing
   * that happened while the link was down is missed; fetched alerts never chime.
   */
  async function refetch(): Promise<void> {
    loading.value = true;
    try {
      const scopes: AlertFilter[] = [OPEN_SCOPE];
      const f = filter.value;
      if (f.status !== 'open') scopes.push({ status: f.status, type: f.type });
      for (const scope of scopes) {
        const list = await api.alerts({
          status: scope.status === 'all' ? undefined : scope.status,
          type: scope.type === 'all' ? undefined : scope.type,
          limit: ALERT_BUFFER,
        });
        for (const id of staleIds(byId, list, scope)) byId.delete(id);
        for (const alert of list) byId.set(alert.id, alert);
      }
      trim(byId, ALERT_BUFFER);
      loadError.value = null;
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
    } finally {
      loading.value = false;
    }
  }

  function setFilter(next: Partial<AlertFilter>): void {
    filter.value = { ...filter.value, ...next };
    void refetch();
  }

  async function acknowledge(id: string, note?: string): Promise<void> {
    received(await api.ackAlert(id, note));
  }

  async function clear(id: string, note?: string): Promise<void> {
    received(await api.clearAlert(id, note));
  }

  /** Issue 12.4: several at once; returns how many the server skipped (someone else was quicker). */
  async function acknowledgeMany(ids: string[], note?: string): Promise<number> {
    const result = await api.ackAlerts(ids, note);
    for (const alert of result.acknowledged) received(alert);
    return result.skipped.length;
  }

  async function snooze(id: string, minutes: number, reason: string): Promise<void> {
    received(await api.snoozeAlert(id, minutes, reason));
  }

  function reset(): void {
    byId.clear();
    filter.value = { ...OPEN_SCOPE };
  }

  return { byId, filter, loading, loadError, visible, openCritical, openCount, received, refetch, setFilter, acknowledge, acknowledgeMany, snooze, clear, reset };
});

