import { useEffect, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useT, translate } from '../i18n/i18n';
import { useStore } from '../store/store';
import { QueuePanel } from './QueuePanel';
import { StatusBadge } from './StatusBadge';
import { TrackAudio, TrackVideo } from './TrackVideo';

/** One counter large, on its full rendition, with opt-in sound. Esc returns to the wall. */
export function FocusView({ counterId }: { counterId: string }) {
  const t = useT();
  const { name, status, hasFocus, hasAudio, departmentName } = useStore(
    useShallow((s) => {
      const c = s.counters[counterId];
      return {
        name: c?.name ?? counterId,
        status: c?.media.status ?? 'offline',
        hasFocus: c?.media.tracks.includes('focus') ?? false,
        hasAudio: c?.media.tracks.includes('audio') ?? false,
        departmentName: s.departments.find((d) => d.id === c?.departmentId)?.name ?? '',
      };
    }),
  );
  const listening = useStore((s) => s.listeningCounterId === counterId);
  const setListening = useStore((s) => s.setListening);
  const focusCounter = useStore((s) => s.focusCounter);
  const backRef = useRef<HTMLButtonElement>(null);
  useEffect(() => backRef.current?.focus(), []);
  const live = status === 'online' && hasFocus;

  return (
    <div className="focus-view" role="dialog" aria-modal="true" aria-label={name} data-counter-id={counterId}>
      <header className="focus-header">
        <button ref={backRef} type="button" onClick={() => focusCounter(null)}>
          ← {t('focus.back')}
        </button>
        <div className="focus-title">
          <h2>{name}</h2>
          <span className="muted">{departmentName}</span>
        </div>
        <StatusBadge status={status} />
        <button
          type="button"
          className={listening ? 'active' : ''}
          disabled={!hasAudio || status !== 'online'}
          aria-pressed={listening}
          onClick={() => setListening(listening ? null : counterId)}
        >
          {listening ? t('focus.mute') : t('focus.listen')}
        </button>
      </header>
      <div className="focus-body">
        <div className="focus-media">
          {live ? (
            <TrackVideo counterId={counterId} track="focus" className="focus-video" />
          ) : (
            <div className="tile-placeholder" data-placeholder="true">
              {status === 'reconnecting' ? t('status.reconnecting') : t('tile.noMedia')}
            </div>
          )}
          {listening && live && <TrackAudio counterId={counterId} />}
        </div>
        <QueuePanel counterId={counterId} />
      </div>
      <footer className="focus-footer">
        <LiveStats counterId={counterId} />
      </footer>
    </div>
  );
}

/** Bitrate, fps and loss change every two seconds: written straight to the DOM, no re-render. */
function LiveStats({ counterId }: { counterId: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const render = (): void => {
      const state = useStore.getState();
      const stats = state.counters[counterId]?.media.stats;
      if (!ref.current) return;
      ref.current.textContent = stats
        ? translate(state.lang, 'focus.stats', {
            kbps: Math.round(stats.bitrateKbps),
            fps: stats.fps === null ? '–' : Math.round(stats.fps),
            loss: stats.packetLossPct.toFixed(1),
          })
        : '';
    };
    render();
    return useStore.subscribe((s, prev) => {
      if (
        s.counters[counterId]?.media.stats !== prev.counters[counterId]?.media.stats ||
        s.lang !== prev.lang
      )
        render();
    });
  }, [counterId]);
  return <span ref={ref} className="live-stats" data-testid="live-stats" />;
}
