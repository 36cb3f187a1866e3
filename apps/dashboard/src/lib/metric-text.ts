// How a sensor's metric and its value read to the operator, in the current language: the same
// names as the devices page (`devices.value.*`), units from the metric's suffix, booleans in words.
import { useI18n } from 'vue-i18n';
import { formatReading } from '../stores/equipment-logic';
import { splitUnit } from '../stores/device-logic';

export function useMetricText() {
  const { t, te } = useI18n();
  const label = (metric: string) => {
    const { base } = splitUnit(metric);
    return te(`devices.value.${base}`) ? t(`devices.value.${base}`) : base;
  };
  /** "61.3 °C", "0.45 MPa", "漏水" / "是". */
  const value = (metric: string, v: number | boolean | undefined) => {
    const r = formatReading(metric, v);
    if (!r.boolean) return `${r.text}${r.unit}`;
    const word = `equipment.bool.${metric}.${r.text}`;
    return te(word) ? t(word) : t(`devices.enum.${r.text}`);
  };
  const unit = (metric: string) => splitUnit(metric).unit.trim();
  return { label, value, unit };
}
