import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { DeviceDto, DispenserDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { compareDispensers } from './facilities-logic';

/** Levels arrive every few minutes per dispenser; one reload covers a burst. */
const REFRESH_DELAY_MS = 2000;

/**
 * Dispensers with level, battery and expected empty time (GET /api/consumables/dispensers).
 * No live event of their own: reloaded on every connect and shortly after a dispenser's `device` event.
 */
export const useConsumablesStore = defineStore('consumables', () => {
  const list = ref<DispenserDto[]>([]);
  const loadError = ref<string | null>(null);
  const loaded = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;

  const sorted = computed(() => [...list.value].sort(compareDispensers));

  async function refetch(): Promise<void> {
    try {
      list.value = await api.dispensers();
      loadError.value = null;
      loaded.value = true;
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
    }
  }

  function deviceChanged(device: DeviceDto): void {
    if (device.kind !== 'dispenser' || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void refetch();
    }, REFRESH_DELAY_MS);
  }

  function reset(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    list.value = [];
    loaded.value = false;
    loadError.value = null;
  }

  return { list, sorted, loadError, loaded, refetch, deviceChanged, reset };
});
