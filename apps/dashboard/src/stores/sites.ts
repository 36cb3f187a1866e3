import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SiteDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { siteDepartments } from './department-logic';

const ZONES_KEY = 'estate-watch.site-zones';
type SiteZoneEntry = Pick<SiteDto, 'id' | 'timezone'>;

/** The zones of the last answer, so a reload shows site times before GET /api/sites answers again. */
function rememberedZones(): SiteZoneEntry[] {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(ZONES_KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((z): z is SiteZoneEntry => typeof z?.id === 'string' && typeof z?.timezone === 'string') : [];
  } catch {
    return [];
  }
}

/** The configured sites and their own departments (GET /api/sites), reloaded on every connect. */
export const useSitesStore = defineStore('sites', () => {
  const sites = ref<SiteDto[]>([]);
  const loadError = ref<string | null>(null);
  const departments = computed(() => siteDepartments(sites.value));
  const remembered = rememberedZones();
  /** Each site's time zone (issue 12.5): every time on screen is read on its site's clock. */
  const zones = computed<SiteZoneEntry[]>(() => (sites.value.length ? sites.value.map(({ id, timezone }) => ({ id, timezone })) : remembered));

  async function refetch(): Promise<void> {
    try {
      sites.value = await api.sites();
      loadError.value = null;
      localStorage.setItem(ZONES_KEY, JSON.stringify(zones.value));
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
    }
  }

  return { sites, zones, departments, loadError, refetch };
});
