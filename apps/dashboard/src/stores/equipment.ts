import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { AlertDto, DeviceDto, SensorDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { compareSensors, readingsOfDevice, sensorKey, sensorState } from './equipment-logic';

/** A sensor's event is coalesced to one per 2 s; the limit states follow shortly after. */
const REFRESH_DELAY_MS = 1500;

/**
 * Sensors with their readings, limit states and open faults (GET /api/equipment). Readings move
 * at once with every sensor `device` event; the limit states (正常/待确认/告警) and faults are the
 * server's, reloaded on every connect, shortly after a sensor's event and after each
 * sensor.threshold or equipment.fault alert.
 */
export const useEquipmentStore = defineStore('equipment', () => {
  const byKey = reactive(new Map<string, SensorDto>());
  const loadError = ref<string | null>(null);
  const loaded = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;

  const sorted = computed(() => [...byKey.values()].sort(compareSensors));
  const counts = computed(() => {
    const c = { alarm: 0, fault: 0, pending: 0, ok: 0, silent: 0 };
    for (const s of byKey.values()) c[sensorState(s)]++;
    return c;
  });

  async function refetch(): Promise<void> {
    try {
      const list = await api.equipment();
      byKey.clear();
      for (const s of list) byKey.set(sensorKey(s), s);
      loadError.value = null;
      loaded.value = true;
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
    }
  }

  function refetchSoon(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      void refetch();
    }, REFRESH_DELAY_MS);
  }

  function deviceChanged(device: DeviceDto): void {
    const live = readingsOfDevice(device);
    const sensor = byKey.get(sensorKey(device));
    if (!live || !sensor) return;
    sensor.readings = { ...sensor.readings, ...live.readings };
    if (live.at) sensor.readingsAt = live.at;
    refetchSoon();
  }

  function alertChanged(alert: AlertDto): void {
    if (alert.type === 'sensor.threshold' || alert.type === 'equipment.fault') refetchSoon();
  }

  function byId(id: string): SensorDto | undefined {
    return sorted.value.find((s) => s.id === id);
  }

  function reset(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    byKey.clear();
    loaded.value = false;
    loadError.value = null;
  }

  return { sorted, counts, loadError, loaded, refetch, deviceChanged, alertChanged, byId, reset };
});
