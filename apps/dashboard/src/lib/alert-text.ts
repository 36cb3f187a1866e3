// What an alert says on screen, in the reader's language: composed from its type and details by
// the contracts' composer (issue 10.1), never by trimming the server's zh-CN message.
import type { AlertDto } from '@estate-watch/contracts';
import { alertSentence, alertTitle } from '@estate-watch/contracts/alert-text';
import type { Language } from '@estate-watch/contracts/labels';
import { useI18n } from 'vue-i18n';
import { subjectName } from '../stores/alert-logic';
import { useDevicesStore } from '../stores/devices';

export function useAlertText() {
  const { locale } = useI18n();
  const devices = useDevicesStore();
  const lang = () => (locale.value === 'en' ? 'en' : 'zh-CN') as Language;
  return {
    /** "电梯困人", "温度 92 °C，高于上限 85 °C", else the type's name. */
    title: (a: Pick<AlertDto, 'type' | 'details'>) => alertTitle(a, lang()),
    /** What happened, without the subject's name (shown beside it). */
    sentence: (a: Pick<AlertDto, 'type' | 'details'>) => alertSentence(a, lang()),
    /** The device, checkpoint or sensor by name; the id only when the site file does not know it. */
    subject: (a: Pick<AlertDto, 'subject'>) => subjectName(a.subject, devices.nameById) ?? a.subject,
  };
}
