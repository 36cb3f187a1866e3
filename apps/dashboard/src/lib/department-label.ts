// One place that turns a department id into what a person reads (stores/department-logic.ts).
import { useI18n } from 'vue-i18n';
import { departmentLabel } from '../stores/department-logic';
import { useSitesStore } from '../stores/sites';

/** `reported`: the name the server sent with the row (reports), used when no loaded site lists the id. */
export function useDepartmentLabel(): (id: string, reported?: string) => string {
  const { t, te, locale } = useI18n();
  const sites = useSitesStore();
  return (id, reported) => {
    const own = sites.departments.find((d) => d.id === id)?.name ?? reported;
    return departmentLabel(id, own, locale.value, te(`department.${id}`, locale.value) ? t(`department.${id}`) : undefined);
  };
}
