import type { MediaStatus } from '@counterwatch/shared';
import { useT } from '../i18n/i18n';

export function StatusBadge({ status }: { status: MediaStatus }) {
  const t = useT();
  return (
    <span className={`status-badge status-${status}`} data-status={status}>
      <span className="dot" aria-hidden="true" />
      {t(`status.${status}`)}
    </span>
  );
}
