import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ParkingLotDto } from '@estate-watch/contracts';
import { api, HttpError } from '../api/http';
import { type OpenOutcome, openOutcome } from './facilities-logic';
import { applyPushed, mergeFetched } from './revision';

const lotKey = (l: ParkingLotDto) => `${l.siteId}/${l.id}`;

/**
 * Lots with their gates (GET /api/parking/lots on connect), then each lot as the server pushes it
 * (live `parking`, after a pass, a barrier change or the nightly check: issue 10 point 5). Every lot
 * carries a revision: a list answered after a newer push keeps the push.
 */
export const useParkingStore = defineStore('parking', () => {
  const lots = ref<ParkingLotDto[]>([]);
  const loadError = ref<string | null>(null);
  const loaded = ref(false);

  async function refetch(): Promise<void> {
    try {
      lots.value = mergeFetched(lots.value, await api.parkingLots(), lotKey);
      loadError.value = null;
      loaded.value = true;
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
    }
  }

  function received(lot: ParkingLotDto): void {
    lots.value = applyPushed(lots.value, lot, lotKey);
  }

  /**
   * 远程开闸: waits for the gate's ack (or the server's time-out) and says which it was. The barrier's
   * new state comes as the gate reports it, in the lot's live `parking` event.
   */
  async function openGate(siteId: string, gateId: string, reason: string): Promise<OpenOutcome> {
    try {
      return openOutcome(await api.openGate(gateId, siteId, reason));
    } catch (err) {
      const status = err instanceof HttpError ? err.statusCode : 0;
      return openOutcome({ status, message: err instanceof Error ? err.message : String(err) });
    }
  }

  function reset(): void {
    lots.value = [];
    loaded.value = false;
    loadError.value = null;
  }

  return { lots, loadError, loaded, refetch, received, openGate, reset };
});
