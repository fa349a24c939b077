import type { DeviceInfo } from '@counterwatch/shared';
import { navigate } from '../app/router';
import { useT } from '../i18n/i18n';

/** For a panel or rating pad opened without `?counter=`: pick the counter this screen belongs to. */
export function CounterChooser({ info, page }: { info: DeviceInfo; page: 'panel' | 'rating' }) {
  const t = useT();
  return (
    <section className="counter-chooser" aria-labelledby="chooser-title">
      <h2 id="chooser-title">{t('device.chooseCounter')}</h2>
      <div className="chooser-grid">
        {info.counters.map((c) => (
          <button
            key={c.id}
            type="button"
            className="big"
            data-counter-id={c.id}
            onClick={() => navigate(`/${page}?counter=${encodeURIComponent(c.id)}`, true)}
          >
            {c.name}
          </button>
        ))}
      </div>
      {info.counters.length === 0 && <p className="empty">{t('wall.empty')}</p>}
    </section>
  );
}
