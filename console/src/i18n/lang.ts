/** The console's languages; Vietnamese first, the default. Apart from i18n.ts so the store can name it. */
export type Lang = 'vi' | 'en';
export const LANGS: Lang[] = ['vi', 'en'];

/** The BCP 47 locale for numbers and dates in a UI language: vi-VN unless English is chosen. */
export function localeOf(lang: Lang): string {
  return lang === 'vi' ? 'vi-VN' : 'en-GB';
}
