import type { CounterQueueState, PauseReason } from '@counterwatch/shared';
import { useT } from '../i18n/i18n';

/** Serving / calling / idle / paused (with its reason) / closed. */
export function QueueStateBadge({
  state,
  pauseReason,
  className,
}: {
  state: CounterQueueState;
  pauseReason: PauseReason | null;
  className?: string;
}) {
  const t = useT();
  const label = t(`queueState.${state}`);
  return (
    <span className={`qstate qstate-${state}${className ? ` ${className}` : ''}`} data-queue-state={state}>
      {state === 'paused' && pauseReason !== null ? `${label}: ${t(`pauseReason.${pauseReason}`)}` : label}
    </span>
  );
}
