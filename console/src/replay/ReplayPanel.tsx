import { useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import {
  CounterTimelineSchema,
  PlaybackSchema,
  REWIND_MS,
  RemoteError,
  type CounterTimeline,
  type Playback,
  type PlaybackPurpose,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest, queryString } from '../api/http';
import { useApiQuery } from '../api/useApiQuery';
import { formatDate, formatTime, useT } from '../i18n/i18n';
import { ClipPlayer } from '../reviews/ClipPlayer';
import { useStore } from '../store/store';
import {
  clipAround,
  dayWindow,
  fractionOf,
  hourMarks,
  serviceClip,
  timeAt,
  type DayWindow,
} from './dayTimeline';
import './replay.css';

type ClipState =
  | { status: 'idle' }
  | { status: 'loading'; span: DayWindow }
  | { status: 'ready'; playback: Playback }
  | { status: 'none' }
  | { status: 'error'; error: unknown };

const counterPath = (counterId: string): string => `/api/v1/counters/${encodeURIComponent(counterId)}`;

/** The server's time: recordings are stamped with it, and the browser's clock may differ. */
const serverNow = (): number => Date.now() + useStore.getState().serverOffsetMs;

/**
 * A counter's recording in its focus view: opens on the last two minutes
 * (rewind), with the business day's timeline under it — what was recorded,
 * each service as a ticket to click — to play any moment. Every clip asked
 * for is an audit row on the server.
 */
export function ReplayPanel({ counterId }: { counterId: string }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [daysBack, setDaysBack] = useState(0);
  const [clip, setClip] = useState<ClipState>({ status: 'idle' });
  const [videoFailed, setVideoFailed] = useState(false);
  // The day is fixed when the day is chosen (and after each clip), not on every render.
  const [day, setDay] = useState<DayWindow>(() => dayWindow(serverNow()));
  const request = useRef(0);

  const timelinePath = `${counterPath(counterId)}/timeline${queryString({ from: day.from, to: day.to })}`;
  const timeline = useApiQuery(timelinePath, CounterTimelineSchema);

  const play = (span: DayWindow, purpose: PlaybackPurpose): void => {
    const id = ++request.current;
    setVideoFailed(false);
    setClip({ status: 'loading', span });
    apiRequest('POST', `${counterPath(counterId)}/playback`, PlaybackSchema, { ...span, purpose })
      .then((playback) => {
        if (id === request.current) setClip({ status: 'ready', playback });
      })
      .catch((error: unknown) => {
        if (id !== request.current) return;
        const none =
          error instanceof RemoteError && (error.code === 'not_found' || error.code === 'unavailable');
        setClip(none ? { status: 'none' } : { status: 'error', error });
      });
  };
  const rewind = (): void => {
    const now = serverNow();
    setDaysBack(0);
    setDay(dayWindow(now));
    play({ from: now - REWIND_MS, to: now }, 'rewind');
  };

  // Opening the replay is asking for the last minutes (once per counter, not per render).
  useEffect(() => {
    rewind();
    // Once per counter opened: rewind is a fresh function each render.
  }, [counterId]);

  const showDay = (back: number): void => {
    setDaysBack(back);
    setDay(dayWindow(serverNow(), back));
  };

  const playing = clip.status === 'ready' ? clip.playback : null;
  const interactions = useMemo(() => timeline.data?.interactions ?? [], [timeline.data]);

  return (
    <section className="replay" aria-label={t('replay.title')} data-replay={clip.status}>
      <div className="replay-bar">
        <button type="button" className="primary" data-action="rewind" onClick={rewind}>
          {t('replay.rewind')}
        </button>
        {playing && (
          <span className="muted" data-fact="replay-span">
            {t('replay.showing', {
              from: formatTime(lang, playing.from),
              to: formatTime(lang, playing.to),
            })}
          </span>
        )}
        <span className="muted small replay-record">{t('replay.onRecord')}</span>
      </div>

      <div className="replay-clip">
        {clip.status === 'loading' || clip.status === 'idle' ? (
          <div className="tile-placeholder" role="status">
            {t('replay.loading')}
          </div>
        ) : clip.status === 'none' ? (
          <div className="tile-placeholder" role="status" data-replay-none>
            {timeline.data?.recordedUntil === null ? t('replay.nothingYet') : t('replay.none')}
          </div>
        ) : clip.status === 'error' ? (
          <div className="tile-placeholder" role="alert">
            {describeError(lang, clip.error)}
          </div>
        ) : videoFailed ? (
          <div className="tile-placeholder" role="alert">
            {t('player.unplayable')}
          </div>
        ) : (
          <ClipPlayer
            key={clip.playback.url}
            playback={clip.playback}
            interactions={interactions}
            onError={() => setVideoFailed(true)}
            autoPlay
          />
        )}
      </div>

      <DayTimeline
        timeline={timeline.data}
        day={day}
        daysBack={daysBack}
        playing={playing}
        onDay={showDay}
        onPick={(at) => play(clipAround(at, day), 'timeline')}
        onService={(span) => play(span, 'timeline')}
      />
      {timeline.error !== null && (
        <p className="error" role="alert">
          {describeError(lang, timeline.error)}
        </p>
      )}
    </section>
  );
}

/** Days the timeline goes back: recordings are kept about this long by default. */
const MAX_DAYS_BACK = 30;

function DayTimeline({
  timeline,
  day,
  daysBack,
  playing,
  onDay,
  onPick,
  onService,
}: {
  timeline: CounterTimeline | null;
  day: DayWindow;
  daysBack: number;
  playing: Playback | null;
  onDay: (daysBack: number) => void;
  onPick: (at: number) => void;
  onService: (span: DayWindow) => void;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const barRef = useRef<HTMLDivElement>(null);
  const percent = (at: number): string => `${fractionOf(at, day) * 100}%`;
  const width = (from: number, to: number): string =>
    `${(fractionOf(to, day) - fractionOf(from, day)) * 100}%`;
  const pick = (event: ReactPointerEvent<HTMLDivElement>): void => {
    const rect = barRef.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return;
    onPick(timeAt((event.clientX - rect.left) / rect.width, day));
  };
  const services = timeline?.interactions ?? [];

  return (
    <div className="day-timeline" data-day-timeline>
      <div className="day-nav">
        <strong>{t('replay.timeline')}</strong>
        <span data-fact="replay-day">
          {daysBack === 0 ? t('replay.today') : t('replay.day', { date: formatDate(lang, day.from) })}
        </span>
        <button
          type="button"
          data-action="previous-day"
          disabled={daysBack >= MAX_DAYS_BACK}
          onClick={() => onDay(daysBack + 1)}
        >
          {t('replay.previousDay')}
        </button>
        <button
          type="button"
          data-action="next-day"
          disabled={daysBack === 0}
          onClick={() => onDay(daysBack - 1)}
        >
          {t('replay.nextDay')}
        </button>
      </div>
      <div
        ref={barRef}
        className="day-bar"
        data-day-bar
        role="button"
        tabIndex={0}
        aria-label={t('replay.timelineHelp')}
        title={t('replay.timelineHelp')}
        onPointerDown={pick}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            onPick(day.to - 60_000);
          }
        }}
      >
        {timeline?.spans.map((s) => (
          <span
            key={s.from}
            className="day-span"
            data-span
            style={{ left: percent(s.from), width: width(s.from, s.to) }}
            title={`${t('replay.recorded')} ${formatTime(lang, s.from, false)}–${formatTime(lang, s.to, false)}`}
          />
        ))}
        {services.map((i) => (
          <span
            key={i.id}
            className={`day-tick${i.flags.length > 0 ? ' flagged' : ''}`}
            style={{ left: percent(i.startedAt) }}
          />
        ))}
        {playing && (
          <span
            className="day-playing"
            data-playing-span
            style={{ left: percent(playing.from), width: width(playing.from, playing.to) }}
          />
        )}
      </div>
      <div className="day-hours" aria-hidden="true">
        {hourMarks(day).map((m) => (
          <span key={m.at} style={{ left: percent(m.at) }}>
            {m.hour}h
          </span>
        ))}
      </div>
      <div className="day-services">
        <span className="muted small">
          {services.length > 0 ? t('replay.services', { count: services.length }) : t('replay.noServices')}
        </span>
        <ul>
          {services.map((i) => (
            <li key={i.id}>
              <button
                type="button"
                className={i.flags.length > 0 ? 'flagged' : ''}
                data-action="play-service"
                data-ticket={i.ticketNumber}
                onClick={() => onService(serviceClip(i))}
              >
                {t('replay.service', {
                  ticket: i.ticketNumber,
                  time: formatTime(lang, i.calledAt ?? i.startedAt, false),
                })}
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
