import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { BoardStateSchema, counterShortName, type BoardCall } from '@counterwatch/shared';
import { deviceBlob } from '../api/http';
import { describeError } from '../api/describeError';
import { formatTime, useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { HallAnnouncer, type SoundState } from './announcer';
import { callsToAnnounce, recentCalls } from './board';
import { Clock } from './Clock';
import { DeviceGate, DeviceHeader, type DeviceSession } from './DeviceGate';
import { usePolled } from './usePolled';

const REFRESH_MS = 1_500;

/** `/board`: the hall display — the call now, who is served where, the latest calls, how many wait. */
export function BoardPage() {
  return (
    <DeviceGate page="board" title="board.title">
      {(session) => <Board session={session} />}
    </DeviceGate>
  );
}

interface Played {
  count: number;
  last: string;
}

/** The hall's voice: plays each new call (and recall) once sound is allowed. */
function useAnnouncer(session: DeviceSession) {
  const [sound, setSound] = useState<SoundState>('unknown');
  const [played, setPlayed] = useState<Played>({ count: 0, last: '' });
  const ref = useRef<HallAnnouncer | null>(null);
  useEffect(() => {
    const announcer = new HallAnnouncer(
      (call) =>
        deviceBlob(session.token, `/api/v1/device/board/calls/${encodeURIComponent(call.ticketId)}/voice`),
      {
        sound: setSound,
        played: (call) => setPlayed((p) => ({ count: p.count + 1, last: `${call.ticketNumber}@${call.at}` })),
        failed: () => undefined,
      },
    );
    ref.current = announcer;
    return () => {
      announcer.close();
      ref.current = null;
    };
  }, [session.token]);
  return { sound, played, announcer: ref };
}

function Board({ session }: { session: DeviceSession }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const polled = usePolled(
    () => session.request('GET', '/api/v1/device/board', BoardStateSchema),
    REFRESH_MS,
    session.info.department.id,
  );
  const board = polled.data;
  const { sound, played, announcer } = useAnnouncer(session);
  const announcedUpTo = useRef<number | null>(null);

  // The hall clock and "newest call" follow the server, not this screen's PC clock.
  useEffect(() => {
    if (!board) return;
    useStore.getState().setServerTime(board.serverTime);
    const { calls, upTo } = callsToAnnounce(board, announcedUpTo.current);
    announcedUpTo.current = upTo;
    for (const call of calls) announcer.current?.announce(call);
  }, [board, announcer]);

  if (!board) {
    return (
      <main className="device-page board" data-device-page="board">
        <DeviceHeader session={session} title={t('board.title')} />
        <p role="status">{polled.error !== null ? describeError(lang, polled.error) : t('common.loading')}</p>
      </main>
    );
  }

  const { calls, freshAt } = recentCalls(board);
  const newest = calls[0];
  const fresh = freshAt === null ? undefined : newest;
  return (
    <main
      className="device-page board"
      data-device-page="board"
      data-sound={sound}
      data-voice-played={played.count}
      data-voice-last={played.last}
    >
      <DeviceHeader session={session} title={board.department.name}>
        <SoundControl sound={sound} onEnable={() => void announcer.current?.unlock()} />
        <Clock className="board-clock" />
      </DeviceHeader>
      <section
        className={`board-hero${fresh ? ' fresh' : ''}`}
        aria-live="polite"
        data-hero-number={newest?.ticketNumber ?? ''}
      >
        {newest ? (
          <CallLine call={newest} key={`${newest.ticketId}-${newest.at}`} />
        ) : (
          <span className="board-hero-empty">{t('board.noCalls')}</span>
        )}
      </section>
      <section
        className="board-counters"
        aria-label={t('board.serving')}
        style={{ '--board-columns': boardColumns(board.counters.length) } as CSSProperties}
      >
        {board.counters.map((c) => (
          <div
            key={c.id}
            className={`board-counter state-${c.state}${fresh?.counterId === c.id ? ' fresh' : ''}`}
            data-counter-id={c.id}
            data-queue-state={c.state}
          >
            <div className="board-counter-name">{c.name}</div>
            <div className="board-number" data-ticket-number={c.ticketNumber ?? ''}>
              {c.ticketNumber ?? (c.state === 'closed' ? t('board.closed') : '—')}
            </div>
          </div>
        ))}
      </section>
      <footer className="board-footer">
        <section className="board-recent" aria-labelledby="board-calls-title">
          <h2 id="board-calls-title">{t('board.recentCalls')}</h2>
          <ol className="board-calls">
            {calls.slice(1).map((call) => (
              <li
                key={`${call.ticketId}-${call.at}`}
                data-call-number={call.ticketNumber}
                data-call-counter-id={call.counterId}
              >
                <span className="board-call-number">{call.ticketNumber}</span>
                <span aria-hidden="true">→</span>
                <span>{counterShortName(call.counterName)}</span>
                <span className="muted">{formatTime(lang, call.at, false)}</span>
              </li>
            ))}
          </ol>
        </section>
        <div className="board-waiting" data-fact="waiting">
          <span className="board-waiting-count">{board.waiting}</span>
          <span>{t('board.waiting')}</span>
        </div>
      </footer>
      {polled.error !== null && (
        <p className="error board-stale" role="status">
          {t('device.stale', { message: describeError(lang, polled.error) })}
        </p>
      )}
    </main>
  );
}

/** "Mời số A019 đến Quầy 1", the number as large as the hall needs. */
function CallLine({ call }: { call: BoardCall }) {
  const t = useT();
  return (
    <p className="board-call-line" data-call-at={call.at}>
      <span className="board-hero-label">{t('board.calling')}</span>
      <span className="board-hero-number">{call.ticketNumber}</span>
      <span className="board-hero-label">{t('board.toCounter')}</span>
      <span className="board-hero-counter">{counterShortName(call.counterName)}</span>
      <span className="visually-hidden">
        {t('board.announce', { number: call.ticketNumber, counter: call.counterName })}
      </span>
    </p>
  );
}

/** Browsers keep sound off until someone touches the page: say so, and take the one tap needed. */
function SoundControl({ sound, onEnable }: { sound: SoundState; onEnable: () => void }) {
  const t = useT();
  if (sound === 'on') {
    return (
      <span className="board-sound on" data-sound-state="on">
        {t('board.sound.enabled')}
      </span>
    );
  }
  return (
    <div className="board-sound" data-sound-state={sound}>
      <button type="button" className="board-sound-button" data-action="enable-sound" onClick={onEnable}>
        {t('board.sound.on')}
      </button>
      {sound === 'blocked' && <span className="board-sound-explain">{t('board.sound.explain')}</span>}
    </div>
  );
}

/** Up to 4 counters side by side; more in two or three even rows. */
function boardColumns(count: number): number {
  if (count <= 4) return Math.max(1, count);
  if (count <= 10) return Math.ceil(count / 2);
  return Math.ceil(count / 3);
}
