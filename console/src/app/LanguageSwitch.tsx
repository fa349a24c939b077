import { LANGS, useT } from '../i18n/i18n';
import { useStore } from '../store/store';

export function LanguageSwitch() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const setLang = useStore((s) => s.setLang);
  return (
    <label className="lang-switch">
      <span className="visually-hidden">{t('app.language')}</span>
      <select
        value={lang}
        onChange={(e) => setLang(e.target.value === 'en' ? 'en' : 'vi')}
        aria-label={t('app.language')}
      >
        {LANGS.map((l) => (
          // Short codes keep the header on one line; each name in its own language for the tooltip.
          <option key={l} value={l} title={l === 'vi' ? 'Tiếng Việt' : 'English'} lang={l}>
            {l.toUpperCase()}
          </option>
        ))}
      </select>
    </label>
  );
}
