import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AuditEntryDto } from '@estate-watch/contracts';
import { api } from '../api/http';
import { siteZone } from '../lib/dates';
import { auditFilterProblem, auditQuery, EMPTY_AUDIT_FILTER, type AuditFilter } from './audit-logic';
import { useSitesStore } from './sites';

const PAGE = 100;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The admin's audit log (issue 8 point 9). Not live: read when the tab opens, searched and paged by hand. */
export const useAuditStore = defineStore('audit', () => {
  const filter = ref<AuditFilter>({ ...EMPTY_AUDIT_FILTER });
  const entries = ref<AuditEntryDto[]>([]);
  const next = ref<number | null>(null);
  const loading = ref(false);
  const error = ref<string | null>(null);

  /** Only the latest search's answer is kept when one overtakes another. */
  let asked = 0;
  async function load(more = false): Promise<void> {
    const zone = siteZone(useSitesStore().zones);
    if (auditFilterProblem(filter.value, zone)) return;
    const mine = ++asked;
    loading.value = true;
    try {
      const page = await api.audit(auditQuery(filter.value, zone, more ? (next.value ?? undefined) : undefined, PAGE));
      if (mine !== asked) return;
      entries.value = more ? [...entries.value, ...page.entries] : page.entries;
      next.value = page.next;
      error.value = null;
    } catch (err) {
      if (mine === asked) error.value = message(err);
    } finally {
      if (mine === asked) loading.value = false;
    }
  }

  function reset(): void {
    filter.value = { ...EMPTY_AUDIT_FILTER };
    entries.value = [];
    next.value = null;
    error.value = null;
  }

  return { filter, entries, next, loading, error, load, reset };
});
