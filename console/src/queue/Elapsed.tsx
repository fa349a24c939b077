import { useLayoutEffect, useRef } from 'react';
import { formatDuration } from '../i18n/i18n';
import { useStore } from '../store/store';
import { NO_DATA, elapsedSeconds } from './format';
import { everySecond } from './ticker';

/**
 * "12:34" counting up from a server timestamp, e.g. the longest wait from
 * `oldestWaitingSince`. Updates its own text once a second without a
 * React render; the server clock offset is read on each tick.
 */
export function Elapsed({ since, className }: { since: number | null; className?: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  useLayoutEffect(() => {
    const render = (): void => {
      if (!ref.current) return;
      ref.current.textContent =
        since === null ? NO_DATA : formatDuration(elapsedSeconds(since, useStore.getState().serverOffsetMs));
    };
    render();
    if (since === null) return;
    return everySecond(render);
  }, [since]);
  return <span ref={ref} className={className} />;
}
