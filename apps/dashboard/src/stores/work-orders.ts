import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import type { CreateWorkOrderBody, WorkOrderDto, WorkOrderEventBody } from '@estate-watch/contracts';
import { api } from '../api/http';
import { isNewEscalation, isOpenOrder, type OrderFilter, staleOpenIds, trimOrders, upsertOrder } from './work-order-logic';
import { useNotifyStore } from './notify';

/** Open orders are few (each is someone's job); finished ones are evicted first past this. */
export const ORDER_BUFFER = 1000;
/** Finished orders fetched on (re)connect: enough for today's done columns. */
const RECENT = 300;

export const useWorkOrdersStore = defineStore('workOrders', () => {
  const byId = reactive(new Map<string, WorkOrderDto>());
  const filter = ref<OrderFilter>({ department: 'all', source: 'all' });
  const loadError = ref<string | null>(null);
  const loaded = ref(false);
  /** Today's finished columns unfolded: the operator's choice, kept while they move between pages. */
  const showDone = ref(false);

  const open = computed(() => [...byId.values()].filter(isOpenOrder));
  const openCount = computed(() => open.value.length);
  const escalatedCount = computed(() => open.value.filter((o) => o.escalated).length);

  /** A live `workOrder` event: the whole order after every change (CONTRACT §6). */
  function received(order: WorkOrderDto): void {
    const previous = byId.get(order.id);
    upsertOrder(byId, order, ORDER_BUFFER);
    if (isNewEscalation(previous, order)) useNotifyStore().orderEscalated(order);
  }

  /**
   * Every open order, plus the most recent ones for today's finished columns. Called on every
   * (re)connect so nothing that changed while the link was down is missed; never toasts.
   */
  async function refetch(): Promise<void> {
    try {
      const [openList, recent] = await Promise.all([api.workOrders({ status: 'open', limit: ORDER_BUFFER }), api.workOrders({ limit: RECENT })]);
      for (const id of staleOpenIds(byId, openList)) byId.delete(id);
      for (const order of [...recent, ...openList]) byId.set(order.id, order);
      trimOrders(byId, ORDER_BUFFER);
      loadError.value = null;
      loaded.value = true;
    } catch (err) {
      loadError.value = err instanceof Error ? err.message : String(err);
    }
  }

  /** An order we do not hold (an alert's link to an old one): fetched once, on demand. */
  const pending = new Set<string>();
  async function ensure(id: string): Promise<void> {
    if (byId.has(id) || pending.has(id)) return;
    pending.add(id);
    try {
      upsertOrder(byId, await api.workOrder(id), ORDER_BUFFER);
    } catch {
      // Shown as the bare id; the next live event or refetch fills it in.
    } finally {
      pending.delete(id);
    }
  }

  async function create(body: CreateWorkOrderBody): Promise<WorkOrderDto> {
    const order = await api.createWorkOrder(body);
    received(order);
    return order;
  }

  async function act(id: string, body: WorkOrderEventBody): Promise<WorkOrderDto> {
    const order = await api.workOrderEvent(id, body);
    received(order);
    return order;
  }

  function reset(): void {
    byId.clear();
    loaded.value = false;
    filter.value = { department: 'all', source: 'all' };
    showDone.value = false;
  }

  return { byId, filter, showDone, loadError, loaded, openCount, escalatedCount, received, refetch, ensure, create, act, reset };
});
