import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { SensorDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { compareSensors, sensorKey, sensorState } from './equipment-logic';
import { putPushed, replaceFetched } from './revision';

/**
 * Sensors with their readings, limit states and open faults (GET /api/equipment on connect), then
 * each sensor as the server pushes it (live `sensor`, once the server has applied a batch of its
 * readings or fault events and judged its limits: issue 10 point 5). The limit states (正常/待确认/告警)
 * are the server's, never guessed from a value. Every sensor carries a revision: a list answered
 * after a newer push keeps the push.
 */
export const useEquipmentStore = defineStore('equipment', () => {
  const byKey = reactive(new Map<string, SensorDto>());
  const loadError = ref<string | null>(null);
  const loaded = ref(false);

  const sorted = computed(() => [...byKey.values()].sort(compareSensors));
  const counts = computed(() => {
    const c = { alarm: 0, fault: 0, pending: 0, ok: 0, silent: 0 };
    for (const s of byKey.values()) c[sensorState(s)]++;
    return c;
  });

  async function refetch(): Promise<void> {
    try {
      replaceFetched(byKey, await api.equipment(), sensorKey);
      loadError.value = null;
      loaded.value = true;
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
    }
  }

  function received(sensor: SensorDto): void {
    putPushed(byKey, sensor, sensorKey);
  }

  function byId(id: string): SensorDto | undefined {
    return sorted.value.find((s) => s.id === id);
  }

  function reset(): void {
    byKey.clear();
    loaded.value = false;
    loadError.value = null;
  }

  return { sorted, counts, loadError, loaded, refetch, received, byId, reset };
});
