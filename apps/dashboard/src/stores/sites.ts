import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { SiteDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { siteDepartments } from './department-logic';

/** The configured sites and their own departments (GET /api/sites), reloaded on every connect. */
export const useSitesStore = defineStore('sites', () => {
  const sites = ref<SiteDto[]>([]);
  const loadError = ref<string | null>(null);
  const departments = computed(() => siteDepartments(sites.value));

  async function refetch(): Promise<void> {
    try {
      sites.value = await api.sites();
      loadError.value = null;
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
    }
  }

  return { sites, departments, loadError, refetch };
});
