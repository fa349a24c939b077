import type { CounterMedia, MediaStatus } from '@counterwatch/shared';
import { useT } from '../i18n/i18n';

/** What the badge says: the media status, or "token refused" when that is why the counter is not online. */
export type DisplayStatus = MediaStatus | 'refused';

export function displayStatus(
  media: Pick<CounterMedia, 'status' | 'credentialRefusedAt'> | undefined,
): DisplayStatus {
  if (!media) return 'offline';
  if (
    media.status !== 'online' &&
    media.credentialRefusedAt !== undefined &&
    media.credentialRefusedAt !== null
  )
    return 'refused';
  return media.status;
}

export function StatusBadge({ status }: { status: DisplayStatus }) {
  const t = useT();
  return (
    <span className={`status-badge status-${status}`} data-status={status}>
      <span className="dot" aria-hidden="true" />
      {t(`status.${status}`)}
    </span>
  );
}
