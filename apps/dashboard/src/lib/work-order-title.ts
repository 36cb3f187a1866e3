// A work order's title in the reader's language (contracts work-order-text.ts): composed from its
// origin for orders raised by alerts, as typed for complaints and inspections.
import type { WorkOrderDto } from '@estate-watch/contracts';
import type { Language } from '@estate-watch/contracts/labels';
import { workOrderTitle } from '@estate-watch/contracts/work-order-text';
import { computed } from 'vue';
import { useI18n } from 'vue-i18n';
import { useDevicesStore } from '../stores/devices';
import { useRoundsStore } from '../stores/rounds';

export function useWorkOrderTitle(): (order: Pick<WorkOrderDto, 'source' | 'title' | 'originKey'>) => string {
  const { locale } = useI18n();
  const devices = useDevicesStore();
  const rounds = useRoundsStore();
  const routeNames = computed(() => new Map([...rounds.byId.values()].map((r) => [r.routeId, r.routeName])));
  return (order) =>
    workOrderTitle(order, (locale.value === 'en' ? 'en' : 'zh-CN') as Language, {
      device: (id) => devices.nameById.get(id),
      route: (id) => routeNames.value.get(id),
    });
}
