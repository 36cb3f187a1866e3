import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { DeviceDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { compareDevices, type DeviceFilter, deviceKey, matchesDeviceFilter } from './device-logic';

/** Devices come from site files, so the list is bounded by configuration; this is a backstop. */
const DEVICE_BUFFER = 5000;

export const useDevicesStore = defineStore('devices', () => {
  const byKey = reactive(new Map<string, DeviceDto>());
  const filter = ref<DeviceFilter>({ kind: 'all', online: 'all' });
  const loadError = ref<string | null>(null);

  const all = computed(() => [...byKey.values()]);
  const visible = computed(() => all.value.filter((d) => matchesDeviceFilter(d, filter.value)).sort(compareDevices));
  const onlineCount = computed(() => all.value.filter((d) => d.online).length);
  /** Alert subjects are device ids: lets the alert list show a device's name. */
  const nameById = computed(() => new Map(all.value.map((d) => [d.id, d.name])));

  /** A live `device` event: online state or values changed. */
  function received(device: DeviceDto): void {
    const key = deviceKey(device);
    if (!byKey.has(key) && byKey.size >= DEVICE_BUFFER) return;
    byKey.set(key, device);
  }

  /** The server returns every device, so a refetch replaces the list. */
  async function refetch(): Promise<void> {
    try {
      const list = await api.devices();
      byKey.clear();
      for (const device of list.slice(0, DEVICE_BUFFER)) byKey.set(deviceKey(device), device);
      loadError.value = null;
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
    }
  }

  function reset(): void {
    byKey.clear();
  }

  return { filter, loadError, visible, onlineCount, all, nameById, received, refetch, reset };
});
