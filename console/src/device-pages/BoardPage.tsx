import { useEffect } from 'react';
import { BoardStateSchema } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { formatTime, useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { recentCalls } from './board';
import { Clock } from './Clock';
import { DeviceGate, DeviceHeader, type DeviceSession } from './DeviceGate';
import { usePolled } from './usePolled';

const REFRESH_MS = 2_000;

/** `/board`: the hall display — who is being served where, the latest calls, how many wait. */
export function BoardPage() {
  return (
    <DeviceGate page="board" title="board.title">
      {(session) => <Board session={session} />}
    </DeviceGate>
  );
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

  // The hall clock and "newest call" follow the server, not this screen's PC clock.
  useEffect(() => {
    if (board) useStore.getState().setServerTime(board.serverTime);
  }, [board]);

  if (!board) {
    return (
      <main className="device-page board" data-device-page="board">
        <DeviceHeader session={session} title={t('board.title')} />
        <p role="status">{polled.error !== null ? describeError(lang, polled.error) : t('common.loading')}</p>
      </main>
    );
  }

  const { calls, freshAt } = recentCalls(board);
  const fresh = freshAt === null ? undefined : calls[0];
  return (
    <main className="device-page board" data-device-page="board">
      <DeviceHeader session={session} title={board.department.name}>
        <Clock className="board-clock" />
      </DeviceHeader>
      <div className="board-body">
        <section className="board-serving" aria-labelledby="board-serving-title">
          <h2 id="board-serving-title">{t('board.serving')}</h2>
          <table className="board-table">
            <thead>
              <tr>
                <th scope="col">{t('board.ticket')}</th>
                <th scope="col">{t('common.counter')}</th>
              </tr>
            </thead>
            <tbody>
              {board.counters.map((c) => (
                <tr
                  key={c.id}
                  data-counter-id={c.id}
                  data-queue-state={c.state}
                  className={fresh?.counterId === c.id ? 'fresh' : undefined}
                >
                  <td className="board-number" data-ticket-number={c.ticketNumber ?? ''}>
                    {c.ticketNumber ?? (c.state === 'closed' ? t('board.closed') : '—')}
                  </td>
                  <th scope="row">{c.name}</th>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
        <aside className="board-side">
          <div className="board-waiting" data-fact="waiting">
            <span className="board-waiting-count">{board.waiting}</span>
            <span>{t('board.waiting')}</span>
          </div>
          <section aria-labelledby="board-calls-title">
            <h2 id="board-calls-title">{t('board.recentCalls')}</h2>
            {/* Screen readers in the hall hear the newest call once. */}
            <p className="visually-hidden" aria-live="polite">
              {fresh ? t('board.announce', { number: fresh.ticketNumber, counter: fresh.counterName }) : ''}
            </p>
            <ol className="board-calls">
              {calls.map((call, i) => (
                <li
                  key={`${call.ticketNumber}-${call.at}`}
                  className={i === 0 && freshAt !== null ? 'fresh' : undefined}
                  data-call-number={call.ticketNumber}
                  data-call-counter-id={call.counterId}
                >
                  <span className="board-call-number">{call.ticketNumber}</span>
                  <span className="board-call-arrow" aria-hidden="true">
                    →
                  </span>
                  <span>{call.counterName}</span>
                  <span className="muted">{formatTime(lang, call.at, false)}</span>
                </li>
              ))}
            </ol>
            {calls.length === 0 && <p className="muted">{t('board.noCalls')}</p>}
          </section>
        </aside>
      </div>
      {polled.error !== null && (
        <p className="error board-stale" role="status">
          {t('device.stale', { message: describeError(lang, polled.error) })}
        </p>
      )}
    </main>
  );
}
