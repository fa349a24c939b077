import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { can } from '../app/roles';
import { useT, translate } from '../i18n/i18n';
import { formatNumber } from '../i18n/numbers';
import { InspectionPanel } from '../inspections/InspectionPanel';
import { startInspection } from '../inspections/inspectionActions';
import { ReplayPanel } from '../replay/ReplayPanel';
import { FlagNow } from '../reviews/FlagNow';
import { useStore } from '../store/store';
import { QueuePanel } from './QueuePanel';
import { StatusBadge, displayStatus } from './StatusBadge';
import { TrackAudio, TrackVideo } from './TrackVideo';
import { focusTile } from './useWallKeyboard';
import { leaveFocus } from './focusUrl';

type SideTab = 'inspection' | 'queue';

/** One counter large, on its full rendition, with opt-in sound. Esc returns to the wall. */
export function FocusView({ counterId }: { counterId: string }) {
  const t = useT();
  const { name, status, hasFocus, hasAudio, sourceProblem, departmentName } = useStore(
    useShallow((s) => {
      const c = s.counters[counterId];
      return {
        name: c?.name ?? counterId,
        status: displayStatus(c?.media),
        hasFocus: c?.media.tracks.includes('focus') ?? false,
        hasAudio: c?.media.tracks.includes('audio') ?? false,
        sourceProblem: c?.media.agent?.source?.problem ?? null,
        departmentName: s.departments.find((d) => d.id === c?.departmentId)?.name ?? '',
      };
    }),
  );
  const listening = useStore((s) => s.listeningCounterId === counterId);
  const setListening = useStore((s) => s.setListening);
  const requestCloseFocus = useStore((s) => s.requestCloseFocus);
  const canInspect = useStore((s) => can(s.user, 'inspect'));
  const canFlag = useStore((s) => can(s.user, 'flag'));
  const canReplay = useStore((s) => can(s.user, 'review'));
  const replaying = useStore((s) => s.replayCounterId === counterId);
  const replayCounter = useStore((s) => s.replayCounter);
  const inspecting = useStore(
    (s) =>
      (s.activeInspection?.counterId === counterId && s.activeInspection.endedAt === null) ||
      s.inspectionStart?.counterId === counterId,
  );
  const [tab, setTab] = useState<SideTab>('inspection');
  const backRef = useRef<HTMLButtonElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  useEffect(() => backRef.current?.focus(), []);
  // Like any dialog, closing gives focus back to the wall: to the tile of the counter last shown.
  // A layout effect's cleanup runs in the commit that removes the view, so focus never drops to <body>.
  const shownRef = useRef(counterId);
  shownRef.current = counterId;
  useLayoutEffect(() => () => focusTile(shownRef.current), []);
  const live = status === 'online' && hasFocus;
  const side: SideTab | null = inspecting ? tab : null;

  return (
    <div
      className="focus-view"
      role="dialog"
      aria-modal="true"
      aria-label={name}
      data-counter-id={counterId}
      data-inspecting={inspecting}
    >
      <header className="focus-header">
        <button ref={backRef} type="button" data-action="back" onClick={() => requestCloseFocus()}>
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
          title={sourceProblem && !hasAudio ? t(`source.${sourceProblem}`) : undefined}
          aria-pressed={listening}
          data-action="listen"
          onClick={() => setListening(listening ? null : counterId)}
        >
          {listening ? t('focus.mute') : t('focus.listen')}
        </button>
        {canReplay && (
          <button
            type="button"
            className={replaying ? 'active' : ''}
            aria-pressed={replaying}
            data-action={replaying ? 'live' : 'replay'}
            onClick={() => replayCounter(replaying ? null : counterId)}
          >
            {replaying ? t('replay.live') : t('replay.open')}
          </button>
        )}
        {canFlag && <FlagNow counterId={counterId} />}
        {canInspect && !inspecting && (
          <button type="button" data-action="inspect" onClick={() => startInspection(counterId)}>
            {t('inspection.inspect')}
          </button>
        )}
      </header>
      <div className="focus-body">
        <div className="focus-media">
          {replaying ? (
            <ReplayPanel counterId={counterId} />
          ) : live ? (
            <FocusPicture counterId={counterId} videoRef={videoRef} />
          ) : (
            <div className="tile-placeholder" data-placeholder="true">
              {sourceProblem && sourceProblem !== 'no_microphone' && sourceProblem !== 'audio_unsupported'
                ? t(`source.${sourceProblem}`)
                : status === 'reconnecting'
                  ? t('status.reconnecting')
                  : status === 'refused'
                    ? t('status.refusedHint')
                    : t('tile.noMedia')}
            </div>
          )}
          {listening && live && !replaying && <TrackAudio counterId={counterId} />}
        </div>
        {side === null ? (
          <QueuePanel counterId={counterId} />
        ) : (
          <div className="focus-side">
            <div className="side-tabs" role="tablist" aria-label={t('inspection.sideTabs')}>
              {(['inspection', 'queue'] as const).map((id) => (
                <button
                  key={id}
                  type="button"
                  role="tab"
                  id={`focus-tab-${id}`}
                  aria-selected={side === id}
                  aria-controls={`focus-tabpanel-${id}`}
                  tabIndex={side === id ? 0 : -1}
                  onClick={() => setTab(id)}
                  onKeyDown={(e) => {
                    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
                      e.preventDefault();
                      const next = id === 'inspection' ? 'queue' : 'inspection';
                      setTab(next);
                      document.getElementById(`focus-tab-${next}`)?.focus();
                    }
                  }}
                >
                  {id === 'inspection' ? t('inspection.title') : t('focus.queueTitle')}
                </button>
              ))}
            </div>
            {/* Both stay mounted so a half-typed note survives a look at the queue. */}
            <div
              role="tabpanel"
              id="focus-tabpanel-inspection"
              aria-labelledby="focus-tab-inspection"
              hidden={side !== 'inspection'}
              className="side-panel"
            >
              <InspectionPanel counterId={counterId} videoRef={videoRef} />
            </div>
            <div
              role="tabpanel"
              id="focus-tabpanel-queue"
              aria-labelledby="focus-tab-queue"
              hidden={side !== 'queue'}
              className="side-panel"
            >
              <QueuePanel counterId={counterId} />
            </div>
          </div>
        )}
      </div>
      <footer className="focus-footer">
        <LiveStats counterId={counterId} />
      </footer>
      <LeaveInspectionDialog />
    </div>
  );
}

/**
 * The full rendition, shown at once: until its first frame arrives (a new
 * consumer waits for a keyframe) the grid rendition already flowing to the
 * wall stands in, scaled up, so a click never shows black.
 */
function FocusPicture({
  counterId,
  videoRef,
}: {
  counterId: string;
  videoRef: RefObject<HTMLVideoElement | null>;
}) {
  const [full, setFull] = useState(false);
  useEffect(() => setFull(false), [counterId]);
  return (
    <div className="focus-picture" data-showing={full ? 'focus' : 'grid'}>
      {!full && <TrackVideo counterId={counterId} track="grid" className="focus-video focus-standin" />}
      <TrackVideo
        counterId={counterId}
        track="focus"
        className="focus-video focus-full"
        videoRef={videoRef}
        onFirstFrame={() => setFull(true)}
      />
    </div>
  );
}

/** "Leave the inspection?" — it stays open on the server and can be resumed; only ending it makes a report. */
function LeaveInspectionDialog() {
  const t = useT();
  const request = useStore((s) => s.leaveRequest);
  const setLeaveRequest = useStore((s) => s.setLeaveRequest);
  const stayRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (request) stayRef.current?.focus();
  }, [request]);
  if (!request) return null;

  const leave = (): void => {
    setLeaveRequest(null);
    leaveFocus(request.to);
  };

  return (
    <div className="dialog-backdrop">
      <div
        className="confirm-dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="leave-title"
        aria-describedby="leave-text"
        data-confirm="leave-inspection"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            setLeaveRequest(null);
          }
        }}
      >
        <h3 id="leave-title">{t('inspection.leaveTitle')}</h3>
        <p id="leave-text">{t('inspection.leaveText')}</p>
        <div className="row-actions">
          <button
            ref={stayRef}
            type="button"
            className="primary"
            data-action="stay"
            onClick={() => setLeaveRequest(null)}
          >
            {t('inspection.stay')}
          </button>
          <button type="button" data-action="leave" onClick={leave}>
            {t('inspection.leave')}
          </button>
        </div>
      </div>
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
            loss: formatNumber(state.lang, stats.packetLossPct, 1, { fixed: true }),
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
