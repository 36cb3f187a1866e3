// zh-CN is first-class and the default; the operator's choice is remembered on this machine.
import type { AlertType, AuditAction } from '@estate-watch/contracts';
import { createI18n } from 'vue-i18n';
import enBase from './en';
import guardEn from './guard.en';
import guardZhCN from './guard.zh-CN';
import overviewEn from './overview.en';
import overviewZhCN from './overview.zh-CN';
import reportsEn from './reports.en';
import reportsZh from './reports.zh-CN';
import zhCNBase from './zh-CN';

const zhCN = { ...zhCNBase, ...reportsZh };
const en = { ...enBase, ...reportsEn };

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
const STORAGE_KEY = 'estate-watch.locale';

function storedLocale(): Locale {
  const saved = localStorage.getItem(STORAGE_KEY);
  return (LOCALES as readonly string[]).includes(saved ?? '') ? (saved as Locale) : 'zh-CN';
}

export const i18n = createI18n<[typeof zhCN], Locale, false>({
  legacy: false,
  locale: storedLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': { ...zhCN, ...guardZhCN, ...overviewZhCN }, en: { ...en, ...guardEn, ...overviewEn } },
});

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

document.documentElement.lang = storedLocale();

const MESSAGES = { 'zh-CN': zhCN, en } as const;

/**
 * Alert type names are keyed by the contract's dotted ids (`sensor.threshold`), which
 * vue-i18n's `t()` would read as a nested path; they are looked up directly instead.
 */
export function alertTypeLabel(type: AlertType, locale: string): string {
  return MESSAGES[locale as Locale]?.alertType[type] ?? zhCN.alertType[type] ?? type;
}

/** Audit actions and their groups (`work_order`), looked up directly for the same reason. */
export function auditActionLabel(action: AuditAction | string, locale: string): string {
  const key = action as keyof typeof zhCN.auditAction;
  return MESSAGES[locale as Locale]?.auditAction[key] ?? zhCN.auditAction[key] ?? action;
}
