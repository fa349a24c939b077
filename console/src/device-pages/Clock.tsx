import { useLayoutEffect, useRef } from 'react';
import { formatTime } from '../i18n/i18n';
import { everySecond } from '../queue/ticker';
import { useStore } from '../store/store';

/** HH:MM:SS in Asia/Ho_Chi_Minh on the server's clock, ticking without React renders. */
export function Clock({ className }: { className?: string }) {
  const ref = useRef<HTMLTimeElement>(null);
  useLayoutEffect(() => {
    const render = (): void => {
      if (!ref.current) return;
      const { serverOffsetMs, lang } = useStore.getState();
      ref.current.textContent = formatTime(lang, Date.now() + serverOffsetMs);
    };
    render();
    return everySecond(render);
  }, []);
  return <time ref={ref} className={className} />;
}
