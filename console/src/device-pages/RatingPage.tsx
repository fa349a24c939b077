import { useEffect, useState, type SyntheticEvent } from 'react';
import {
  CounterPanelStateSchema,
  RatingReceiptSchema,
  RatingSchema,
  RemoteError,
  type Rating,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { useSearchParam } from '../app/router';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { CounterChooser } from './CounterChooser';
import { DeviceGate, DeviceHeader, type DeviceSession } from './DeviceGate';
import { RatingFace } from './RatingFace';
import { usePolled } from './usePolled';

const REFRESH_MS = 3_000;
const THANKS_MS = 5_000;
/** The server takes a rating within 15 minutes of the service; after that the pad rests. */
const RATING_WINDOW_MS = 15 * 60_000;

/** `/rating?counter=ID`: the citizen's satisfaction pad at the counter. */
export function RatingPage() {
  return (
    <DeviceGate page="rating" title="rating.title">
      {(session) => <RatingForCounter session={session} />}
    </DeviceGate>
  );
}

function RatingForCounter({ session }: { session: DeviceSession }) {
  const t = useT();
  const counterId = useSearchParam('counter');
  const counter = session.info.counters.find((c) => c.id === counterId);
  return (
    <main className="device-page rating" data-device-page="rating">
      <DeviceHeader session={session} title={counter ? counter.name : t('rating.title')} />
      {counter ? (
        <RatingPad key={counter.id} session={session} counterId={counter.id} />
      ) : (
        <CounterChooser info={session.info} page="rating" />
      )}
    </main>
  );
}

type Step = { kind: 'choose' } | { kind: 'comment' } | { kind: 'thanks' };

function RatingPad({ session, counterId }: { session: DeviceSession; counterId: string }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const path = `/api/v1/device/counters/${encodeURIComponent(counterId)}`;
  const polled = usePolled(
    () => session.request('GET', path, CounterPanelStateSchema),
    REFRESH_MS,
    counterId,
  );
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Tickets rated here: the panel state may lag a poll behind, and nobody should be asked twice.
  const [ratedHere, setRatedHere] = useState<ReadonlySet<string>>(new Set());

  const last = polled.data?.lastFinished ?? null;
  const toRate =
    last !== null &&
    !last.rated &&
    !ratedHere.has(last.ticketId) &&
    (polled.data?.serverTime ?? last.finishedAt) - last.finishedAt < RATING_WINDOW_MS
      ? last
      : null;

  useEffect(() => {
    if (step.kind !== 'thanks') return;
    const timer = setTimeout(() => setStep({ kind: 'choose' }), THANKS_MS);
    return () => clearTimeout(timer);
  }, [step]);

  // A new citizen at the counter starts a fresh rating.
  const ticketId = toRate?.ticketId ?? null;
  useEffect(() => {
    setComment('');
    setError(null);
    setStep((s) => (s.kind === 'thanks' ? s : { kind: 'choose' }));
  }, [ticketId]);

  const submit = (rating: Rating, text?: string): void => {
    if (!toRate) return;
    const ticket = toRate.ticketId;
    setBusy(true);
    setError(null);
    const trimmed = text?.trim();
    session
      .request('POST', `${path}/rating`, RatingReceiptSchema, {
        rating,
        ...(trimmed ? { comment: trimmed } : {}),
      })
      .then(() => {
        setRatedHere((set) => new Set(set).add(ticket));
        setStep({ kind: 'thanks' });
      })
      .catch((e: unknown) => {
        if (e instanceof RemoteError && e.code === 'conflict') {
          // Nothing to rate any more (already rated, or the next citizen was called): back to idle.
          setRatedHere((set) => new Set(set).add(ticket));
          setStep({ kind: 'choose' });
          polled.refresh();
          return;
        }
        setError(e);
      })
      .finally(() => setBusy(false));
  };

  if (step.kind === 'thanks') {
    return (
      <section className="rating-screen thanks" role="status" data-rating-step="thanks">
        <RatingFace rating="satisfied" />
        <h2>{t('rating.thanks')}</h2>
      </section>
    );
  }

  if (!toRate) {
    return (
      <section className="rating-screen idle" data-rating-step="idle">
        <h2>{t('rating.idle')}</h2>
        <p className="muted">{t('rating.idleSub')}</p>
        {polled.error !== null && <p className="error">{describeError(lang, polled.error)}</p>}
      </section>
    );
  }

  if (step.kind === 'comment') {
    const send = (event: SyntheticEvent<HTMLFormElement>): void => {
      event.preventDefault();
      submit('unsatisfied', comment);
    };
    return (
      <section className="rating-screen" data-rating-step="comment">
        <form className="rating-comment" onSubmit={send}>
          <label>
            <span className="rating-question">{t('rating.commentPrompt')}</span>
            <textarea
              name="comment"
              rows={4}
              maxLength={500}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              autoFocus
            />
          </label>
          {error !== null && (
            <p className="error" role="alert">
              {describeError(lang, error)}
            </p>
          )}
          <div className="row-actions">
            <button type="submit" className="big" disabled={busy} data-action="send">
              {t('rating.send')}
            </button>
            <button type="button" className="big" onClick={() => setStep({ kind: 'choose' })}>
              {t('common.back')}
            </button>
          </div>
        </form>
      </section>
    );
  }

  return (
    <section className="rating-screen" data-rating-step="choose" aria-labelledby="rating-question">
      <h2 id="rating-question" className="rating-question">
        {t('rating.question')}
      </h2>
      <p className="muted">{t('rating.ticket', { number: toRate.number })}</p>
      <div className="rating-buttons">
        {RatingSchema.options.map((rating) => (
          <button
            key={rating}
            type="button"
            className={`rating-button rating-${rating}`}
            data-rating={rating}
            disabled={busy}
            onClick={() => (rating === 'unsatisfied' ? setStep({ kind: 'comment' }) : submit(rating))}
          >
            <RatingFace rating={rating} />
            <span>{t(`rating.${rating}`)}</span>
          </button>
        ))}
      </div>
      {error !== null && (
        <p className="error" role="alert">
          {describeError(lang, error)}
        </p>
      )}
    </section>
  );
}
