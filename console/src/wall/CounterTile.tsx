import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { StatusBadge } from './StatusBadge';
import { TrackVideo } from './TrackVideo';

/**
 * One counter on the wall. Selects only its own fields, so a patch to
 * another counter does not re-render it. Always rendered: a placeholder
 * stands in when the counter has no picture.
 */
export const CounterTile = memo(function CounterTile({ counterId }: { counterId: string }) {
  const t = useT();
  const { name, status, hasGrid } = useStore(
    useShallow((s) => {
      const c = s.counters[counterId];
      return {
        name: c?.name ?? counterId,
        status: c?.media.status ?? 'offline',
        hasGrid: c?.media.tracks.includes('grid') ?? false,
      };
    }),
  );
  const selected = useStore((s) => s.selectedCounterId === counterId);
  const focusCounter = useStore((s) => s.focusCounter);
  const selectCounter = useStore((s) => s.selectCounter);
  const live = status === 'online' && hasGrid;

  return (
    <button
      type="button"
      className={`tile${selected ? ' selected' : ''}`}
      data-counter-id={counterId}
      data-status={status}
      aria-label={t('tile.open', { name })}
      tabIndex={selected ? 0 : -1}
      onClick={() => focusCounter(counterId)}
      onFocus={() => selectCounter(counterId)}
    >
      <div className="tile-media">
        {live ? (
          <TrackVideo counterId={counterId} track="grid" className="tile-video" />
        ) : (
          <div className="tile-placeholder" data-placeholder="true">
            <CameraOffIcon />
            <span>{status === 'reconnecting' ? t('status.reconnecting') : t('tile.noMedia')}</span>
          </div>
        )}
      </div>
      <div className="tile-caption">
        <span className="tile-name">{name}</span>
        <StatusBadge status={status} />
      </div>
    </button>
  );
});

function CameraOffIcon() {
  return (
    <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
      <path
        fill="currentColor"
        d="M3.3 2.3 2 3.6 4.4 6H4a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h11.4l3 3 1.3-1.3L3.3 2.3ZM16 10.6l4-2.6v8l-1.6-1.1L16 12.5v-1.9ZM14 8v2.6L9.4 6H12a2 2 0 0 1 2 2Z"
      />
    </svg>
  );
}
