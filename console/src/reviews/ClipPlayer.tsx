import { type Playback } from '@counterwatch/shared';
import { useEffect, useMemo, useRef, useState, type PointerEvent as ReactPointerEvent } from 'react';
import type { Interaction } from '@counterwatch/shared';
import { formatDuration, formatTime, useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import {
  SPEEDS,
  clampTime,
  clipDuration,
  markers as markersOf,
  playerCommand,
  stepSpeed,
  timeAtFraction,
  type Marker,
  type PlayerCommand,
} from './timeline';

/** Keys typed into a field, or a form's own controls, are not the player's. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    target.isContentEditable ||
    target.closest('form') !== null
  );
}

/**
 * The recorded clip with the console's own controls: play/pause, a bar with
 * the service's events on it (click to seek), speeds, and keys. Native
 * controls stay off so every reviewer sees the same markers and times.
 */
export function ClipPlayer({
  playback,
  interactions,
  onError,
  autoPlay = false,
}: {
  playback: Playback;
  /** The services whose events are marked on the bar: one for a review, those of the span for a replay. */
  interactions: readonly Interaction[];
  onError: () => void;
  autoPlay?: boolean;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const videoRef = useRef<HTMLVideoElement>(null);
  const trackRef = useRef<HTMLDivElement>(null);
  const [playing, setPlaying] = useState(false);
  const [current, setCurrent] = useState(0);
  const [videoDuration, setVideoDuration] = useState(Number.NaN);
  const [speed, setSpeed] = useState(1);
  const duration = clipDuration(videoDuration, playback);
  const marks = useMemo(
    () =>
      interactions
        .flatMap((interaction) =>
          markersOf(interaction, playback, duration).map((m) => ({ ...m, ticket: interaction.ticketNumber })),
        )
        .sort((a, b) => a.offset - b.offset),
    [interactions, playback, duration],
  );
  const manyServices = interactions.length > 1;

  const seek = (seconds: number): void => {
    const video = videoRef.current;
    if (!video) return;
    video.currentTime = clampTime(seconds, duration);
    setCurrent(video.currentTime);
  };
  const toggle = (): void => {
    const video = videoRef.current;
    if (!video) return;
    if (video.paused || video.ended) {
      video.play().catch((error: unknown) => console.warn('clip playback refused', error));
    } else video.pause();
  };
  const changeSpeed = (next: number): void => {
    const video = videoRef.current;
    if (video) video.playbackRate = next;
    setSpeed(next);
  };

  // The latest handlers for the window's key listener, which is added once.
  const run = useRef<(command: PlayerCommand) => void>(() => undefined);
  run.current = (command) => {
    switch (command.type) {
      case 'toggle':
        toggle();
        return;
      case 'seekBy':
        seek((videoRef.current?.currentTime ?? 0) + command.seconds);
        return;
      case 'seekTo':
        seek(command.where === 'start' ? 0 : duration);
        return;
      case 'speed':
        changeSpeed(stepSpeed(speed, command.direction));
        return;
    }
  };
  const rootRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    /** Space on a button or link outside the player is that control's own; inside it, Space is play/pause. */
    const ownSpace = (target: EventTarget | null): boolean =>
      target instanceof Element &&
      target.closest('button, a[href]') !== null &&
      !(rootRef.current?.contains(target) ?? false);
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target))
        return;
      const command = playerCommand(event);
      if (!command) return;
      if (command.type === 'toggle' && ownSpace(event.target)) return;
      event.preventDefault();
      run.current(command);
    };
    // A button activates on Space's keyup: inside the player that would click it as well as toggle.
    const onKeyUp = (event: KeyboardEvent): void => {
      if (event.key === ' ' && event.target instanceof Element && rootRef.current?.contains(event.target))
        event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('keyup', onKeyUp);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('keyup', onKeyUp);
    };
  }, []);

  const seekFromPointer = (event: ReactPointerEvent<HTMLDivElement>): void => {
    const rect = trackRef.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return;
    seek(timeAtFraction((event.clientX - rect.left) / rect.width, duration));
  };

  const percent = (seconds: number): string => `${duration > 0 ? (seconds / duration) * 100 : 0}%`;
  const clock = (seconds: number): string => formatTime(lang, playback.from + seconds * 1000);
  const markerLabel = (m: Marker & { ticket: string }): string =>
    (manyServices ? `${m.ticket} · ` : '') +
    (m.kind === 'flag' && m.reason
      ? `${t(`reason.${m.reason}`)} · ${formatTime(lang, m.at)}`
      : `${t(`marker.${m.kind}`)} · ${formatTime(lang, m.at)}`);

  return (
    <div className="clip-player" data-playing={playing} ref={rootRef}>
      <div className="clip-frame">
        <video
          ref={videoRef}
          data-clip
          src={playback.url}
          controls={false}
          preload="metadata"
          autoPlay={autoPlay}
          playsInline
          disablePictureInPicture
          onClick={toggle}
          onPlay={() => setPlaying(true)}
          onPause={() => setPlaying(false)}
          onEnded={() => setPlaying(false)}
          onTimeUpdate={(e) => setCurrent(e.currentTarget.currentTime)}
          onSeeked={(e) => setCurrent(e.currentTarget.currentTime)}
          onDurationChange={(e) => setVideoDuration(e.currentTarget.duration)}
          onLoadedMetadata={(e) => {
            setVideoDuration(e.currentTarget.duration);
            e.currentTarget.playbackRate = speed;
          }}
          onRateChange={(e) => setSpeed(e.currentTarget.playbackRate)}
          onError={onError}
        />
      </div>

      <div className="timeline">
        <div className="timeline-markers">
          {marks.map((m, index) => (
            <button
              key={`${m.kind}-${m.at}-${index}`}
              type="button"
              className={`marker marker-${m.kind}`}
              data-marker={m.kind}
              data-offset={Math.round(m.offset * 10) / 10}
              style={{ left: percent(m.offset) }}
              title={markerLabel(m)}
              aria-label={markerLabel(m)}
              onClick={() => seek(m.offset)}
            >
              <span className="marker-tip" aria-hidden="true">
                {markerLabel(m)}
              </span>
            </button>
          ))}
        </div>
        <div
          ref={trackRef}
          className="timeline-track"
          data-timeline
          role="slider"
          tabIndex={0}
          aria-label={t('player.position')}
          aria-valuemin={0}
          aria-valuemax={Math.round(duration)}
          aria-valuenow={Math.round(current)}
          aria-valuetext={`${formatDuration(current)} (${clock(current)})`}
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture(e.pointerId);
            seekFromPointer(e);
          }}
          onPointerMove={(e) => {
            if (e.currentTarget.hasPointerCapture(e.pointerId)) seekFromPointer(e);
          }}
        >
          <div className="timeline-played" style={{ width: percent(current) }} />
          {marks.map((m, index) => (
            <span
              key={`${m.kind}-${m.at}-${index}`}
              className={`tick marker-${m.kind}`}
              style={{ left: percent(m.offset) }}
            />
          ))}
          <div className="timeline-head" style={{ left: percent(current) }} />
        </div>
      </div>

      <div className="player-controls">
        <button type="button" className="primary" data-action="play" aria-pressed={playing} onClick={toggle}>
          {playing ? t('player.pause') : t('player.play')}
        </button>
        <span className="player-time" data-fact="position">
          {formatDuration(current)} / {formatDuration(duration)} · <time>{clock(current)}</time>
        </span>
        <div className="speeds" role="group" aria-label={t('player.speed')}>
          {SPEEDS.map((s) => (
            <button
              key={s}
              type="button"
              data-action="speed"
              data-speed={s}
              aria-pressed={speed === s}
              className={speed === s ? 'active' : ''}
              onClick={() => changeSpeed(s)}
            >
              {s}×
            </button>
          ))}
        </div>
      </div>
      <p className="muted small player-keys" id="player-keys">
        {t('player.keys')}
      </p>
    </div>
  );
}
