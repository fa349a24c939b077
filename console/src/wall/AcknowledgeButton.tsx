import { useState } from 'react';
import { describeError } from '../api/describeError';
import { acknowledgeAlerts } from '../alerts/alertActions';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';

/**
 * "Tiếp nhận" for the open alerts a tile or a department header shows: each
 * goes through the alert API, which audits it as from the alerts page.
 */
export function AcknowledgeButton({
  alertIds,
  className,
  label,
  tabIndex,
}: {
  alertIds: readonly number[];
  className: string;
  label: string;
  tabIndex?: number;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const acknowledge = (): void => {
    setBusy(true);
    setError(null);
    acknowledgeAlerts(alertIds)
      .catch((e: unknown) => setError(describeError(lang, e)))
      .finally(() => setBusy(false));
  };
  return (
    <span className={className}>
      <button
        type="button"
        data-action="acknowledge"
        aria-label={label}
        title={label}
        disabled={busy}
        tabIndex={tabIndex}
        onClick={acknowledge}
      >
        {t('wall.alert.acknowledge')}
      </button>
      {error && (
        <span className="ack-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}
