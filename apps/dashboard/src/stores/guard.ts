import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { FindingCategory, FindingCreatedDto, GuardTodayDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { clockOffset } from './guard-logic';

/** The guard's own day is small: reloaded on this period while the page is open (guards have no live feed). */
export const GUARD_REFRESH_MS = 20_000;

export interface FindingDraft {
  text: string;
  category: FindingCategory;
  checkpointId: string;
  photos: File[];
}

export const useGuardStore = defineStore('guard', () => {
  const today = ref<GuardTodayDto | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  /** Server time minus this phone's, from the last answer. */
  const offset = ref(0);
  let timer: ReturnType<typeof setInterval> | undefined;

  const next = computed(() => today.value?.next ?? null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      const answer = await api.guardToday();
      offset.value = clockOffset(answer.now, Date.now());
      today.value = answer;
      error.value = null;
    } catch (err) {
      error.value = err instanceof Error ? err.message : String(err);
    } finally {
      loading.value = false;
    }
  }

  function start(): void {
    void load();
    stop();
    timer = setInterval(() => void load(), GUARD_REFRESH_MS);
  }

  function stop(): void {
    if (timer) clearInterval(timer);
    timer = undefined;
  }

  async function report(draft: FindingDraft): Promise<FindingCreatedDto> {
    const form = new FormData();
    form.set('text', draft.text);
    form.set('category', draft.category);
    form.set('checkpointId', draft.checkpointId);
    for (const photo of draft.photos) form.append('photos', photo, photo.name);
    const created = await api.reportFinding(form);
    void load();
    return created;
  }

  function reset(): void {
    stop();
    today.value = null;
    error.value = null;
  }

  return { today, next, error, loading, offset, load, start, stop, report, reset };
});
