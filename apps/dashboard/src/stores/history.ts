import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { DeviceDto, SensorDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { appendReading, chooseStep, RANGES, readingsOfDevice, sensorKey, seriesOf, type ChartPoint, type RangeId } from './equipment-logic';

/**
 * One sensor's history for the chosen range (GET /api/telemetry, downsampled to 300–600 buckets),
 * read on demand when the sensor or the range changes; live readings from its `device` events are
 * folded in as they arrive, so the charts move without a reload (events are coalesced to one per
 * 2 s per device, so between loads a bucket may miss a sample the stored history has).
 */
export const useHistoryStore = defineStore('history', () => {
  const range = ref<RangeId>('1h');
  const key = ref<string | null>(null);
  const series = shallowRef<Record<string, ChartPoint[]>>({});
  const from = ref(0);
  const to = ref(0);
  const stepMs = ref(0);
  const loading = ref(false);
  const error = ref<string | null>(null);
  let request = 0;
  let shown: Pick<SensorDto, 'siteId' | 'id' | 'limits' | 'readings'> | null = null;

  async function load(sensor: Pick<SensorDto, 'siteId' | 'id' | 'limits' | 'readings'>, next: RangeId = range.value): Promise<void> {
    const mine = ++request;
    shown = sensor;
    const step = chooseStep(RANGES[next]);
    const end = Date.now();
    range.value = next;
    key.value = sensorKey(sensor);
    loading.value = true;
    try {
      const dto = await api.telemetry({
        device: sensor.id,
        site: sensor.siteId,
        from: new Date(end - RANGES[next]).toISOString(),
        to: new Date(end).toISOString(),
        step: step.step,
      });
      if (mine !== request) return; // a newer range or sensor was asked for meanwhile
      series.value = Object.fromEntries(dto.series.map((s) => [s.metric, seriesOf(dto, s.metric)]));
      [from.value, to.value, stepMs.value] = [end - RANGES[next], end, step.ms];
      error.value = null;
    } catch (err) {
      if (mine === request) error.value = err instanceof Error ? err.message : String(err);
    } finally {
      if (mine === request) loading.value = false;
    }
  }

  /** On every connect: readings sent while the link was down never came as events. */
  async function refetch(): Promise<void> {
    if (shown && key.value) await load(shown);
  }

  function deviceChanged(device: DeviceDto): void {
    if (sensorKey(device) !== key.value || !stepMs.value) return;
    const live = readingsOfDevice(device);
    if (!live) return;
    const t = live.at ? Date.parse(live.at) : Date.now();
    if (Number.isNaN(t)) return;
    // The window slides with the newest reading.
    if (t > to.value) [from.value, to.value] = [from.value + (t - to.value), t];
    const next = { ...series.value };
    for (const [metric, v] of Object.entries(live.readings)) {
      next[metric] = appendReading(next[metric] ?? [], t, typeof v === 'boolean' ? Number(v) : v, stepMs.value, from.value);
    }
    series.value = next;
  }

  function reset(): void {
    request++;
    shown = null;
    key.value = null;
    series.value = {};
    loading.value = false;
    error.value = null;
  }

  return { range, key, series, from, to, stepMs, loading, error, load, refetch, deviceChanged, reset };
});
