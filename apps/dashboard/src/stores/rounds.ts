import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { RoundDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { siteDate, siteZone } from '../lib/dates';
import { liveRoundAction, sortRounds } from './patrol-logic';
import { isNewer, replaceFetched } from './revision';
import { useSitesStore } from './sites';

/** Rounds of one day come from the site files' schedules, so they are few; this is a backstop. */
const ROUND_BUFFER = 500;

/**
 * Patrol rounds of one day (CONTRACT §3): today by default, live from the `patrol` event. Every
 * stored round carries a revision: a list answered after a newer push keeps the push (issue 10 point 5).
 */
export const useRoundsStore = defineStore('rounds', () => {
  const byId = reactive(new Map<string, RoundDto>());
  /** The day asked for; null follows today (and rolls over at midnight). */
  const date = ref<string | null>(null);
  /** The day the list holds, once loaded: the server's site-local "today" when following today. */
  const shownDate = ref<string | null>(null);
  /** A round the operator picked; null shows every route's current round. */
  const selectedId = ref<string | null>(null);
  const loadError = ref<string | null>(null);
  const loaded = ref(false);

  const list = computed(() => sortRounds(byId.values()));
  const selected = computed(() => (selectedId.value ? byId.get(selectedId.value) : undefined));

  /** A live `patrol` event: the whole round after every visit, miss and status change. */
  function received(round: RoundDto): void {
    const action = liveRoundAction(round, shownDate.value, date.value === null);
    if (action === 'refetch') void refetch();
    if (action !== 'upsert') return;
    if (!byId.has(round.id) && byId.size >= ROUND_BUFFER) return;
    if (isNewer(round, byId.get(round.id))) byId.set(round.id, round);
  }

  /** Called on every (re)connect and when the day changes; a late answer for another day is dropped. */
  async function refetch(): Promise<void> {
    const asked = date.value;
    try {
      const rounds = await api.rounds(asked ?? undefined);
      if (date.value !== asked) return;
      replaceFetched(byId, rounds.slice(0, ROUND_BUFFER), (r) => r.id);
      shownDate.value = asked ?? rounds[0]?.localDate ?? siteDate(Date.now(), siteZone(useSitesStore().zones));
      if (selectedId.value && !byId.has(selectedId.value)) selectedId.value = null;
      loadError.value = null;
      loaded.value = true;
    } catch (err) {
      if (date.value === asked) loadError.value = err instanceof Error ? err.message : String(err);
    }
  }

  function showDate(next: string | null): void {
    if (next === date.value) return;
    date.value = next;
    shownDate.value = null;
    selectedId.value = null;
    byId.clear();
    loaded.value = false;
    void refetch();
  }

  function select(id: string | null): void {
    selectedId.value = id;
  }

  function reset(): void {
    byId.clear();
    date.value = null;
    shownDate.value = null;
    selectedId.value = null;
    loaded.value = false;
    loadError.value = null;
  }

  return { byId, list, date, shownDate, selectedId, selected, loadError, loaded, received, refetch, showDate, select, reset };
});
