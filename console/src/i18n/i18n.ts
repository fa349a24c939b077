import { useStore } from '../store/store';
import { en, vi, type MessageKey } from './messages';

export type Lang = 'vi' | 'en';
export const LANGS: Lang[] = ['vi', 'en'];

/** All times are shown in the departments' zone, whatever the viewer's machine says. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const catalogs: Record<Lang, Record<MessageKey, string>> = { vi, en };

export function translate(lang: Lang, key: MessageKey, params?: Record<string, string | number>): string {
  const template = catalogs[lang][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => {
    const value = params[name];
    return value === undefined ? match : String(value);
  });
}

/** `const t = useT(); t('wall.title')` — re-renders only when the language changes. */
export function useT(): (key: MessageKey, params?: Record<string, string | number>) => string {
  const lang = useStore((s) => s.lang);
  return (key, params) => translate(lang, key, params);
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatTime(lang: Lang, epochMs: number, withSeconds = true): string {
  const key = `${lang}-${withSeconds}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
      timeZone: TIME_ZONE,
      hour: '2-digit',
      minute: '2-digit',
      ...(withSeconds ? { second: '2-digit' } : {}),
      hour12: false,
    });
    timeFormats.set(key, format);
  }
  return format.format(epochMs);
}

export function formatDateTime(lang: Lang, epochMs: number): string {
  return new Intl.DateTimeFormat(lang === 'vi' ? 'vi-VN' : 'en-GB', {
    timeZone: TIME_ZONE,
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(epochMs);
}

/** "3:05" or "1:02:07" for durations in seconds. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}
