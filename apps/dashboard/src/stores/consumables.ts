import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { DispenserDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { compareDispensers } from './facilities-logic';
import { applyPushed, mergeFetched } from './revision';

const dispenserKey = (d: DispenserDto) => `${d.siteId}/${d.id}`;

/**
 * Dispensers with level, battery and expected empty time (GET /api/consumables/dispensers on
 * connect), then each dispenser as the server pushes it (live `dispenser`, after a level report, a
 * refill or its alerts: issue 10 point 5). Every dispenser carries a revision: a list answered after
 * a newer push keeps the push.
 */
export const useConsumablesStore = defineStore('consumables', () => {
  const list = ref<DispenserDto[]>([]);
  const loadError = ref<string | null>(null);
  const loaded = ref(false);

  const sorted = computed(() => [...list.value].sort(compareDispensers));

  async function refetch(): Promise<void> {
    try {
      list.value = mergeFetched(list.value, await api.dispensers(), dispenserKey);
      loadError.value = null;
      loaded.value = true;
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
    }
  }

  function received(dispenser: DispenserDto): void {
    list.value = applyPushed(list.value, dispenser, dispenserKey);
  }

  function reset(): void {
    list.value = [];
    loaded.value = false;
    loadError.value = null;
  }

  return { list, sorted, loadError, loaded, refetch, received, reset };
});
