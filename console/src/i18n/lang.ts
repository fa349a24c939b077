/** The console's languages; Vietnamese first, the default. Apart from i18n.ts so the store can name it. */
export type Lang = 'vi' | 'en';
export const LANGS: Lang[] = ['vi', 'en'];
