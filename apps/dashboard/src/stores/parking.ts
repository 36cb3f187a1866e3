import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DeviceDto, ParkingLotDto } from '@estate-watch/contracts';
import { api, HttpError } from '../api/http';
import { type OpenOutcome, openOutcome } from './facilities-logic';

/** A burst of gate messages (a queue at the barrier) reloads the lots once, after it. */
const REFRESH_DELAY_MS = 1000;

/**
 * Lots with their gates (GET /api/parking/lots). There is no parking live event: the lots are
 * reloaded on every connect and shortly after any gate's `device` event (a pass or a barrier change).
 */
export const useParkingStore = defineStore('parking', () => {
  const lots = ref<ParkingLotDto[]>([]);
  const loadError = ref<string | null>(null);
  const loaded = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function refetch(): Promise<void> {
    try {
      lots.value = await api.parkingLots();
      loadError.value = null;
      loaded.value = true;
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
    }
  }

  function deviceChanged(device: DeviceDto): void {
    if (device.kind !== 'gate' || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void refetch();
    }, REFRESH_DELAY_MS);
  }

  /** 远程开闸: waits for the gate's ack (or the server's time-out) and says which it was. */
  async function openGate(siteId: string, gateId: string, reason: string): Promise<OpenOutcome> {
    try {
      const outcome = openOutcome(await api.openGate(gateId, siteId, reason));
      void refetch();
      return outcome;
    } catch (err) {
      const status = err instanceof HttpError ? err.statusCode : 0;
      return openOutcome({ status, message: err instanceof Error ? err.message : String(err) });
    }
  }

  function reset(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    lots.value = [];
    loaded.value = false;
    loadError.value = null;
  }

  return { lots, loadError, loaded, refetch, deviceChanged, openGate, reset };
});
