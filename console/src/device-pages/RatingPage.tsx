import { useEffect, useRef, useState, type SyntheticEvent } from 'react';
import {
  RatingCommentReceiptSchema,
  RatingPadStateSchema,
  RatingReceiptSchema,
  RatingSchema,
  RemoteError,
  type Rating,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { DeviceGate, DeviceHeader, type DeviceSession } from './DeviceGate';
import { RatingFace } from './RatingFace';
import { usePolled } from './usePolled';

const REFRESH_MS = 2_500;
const THANKS_MS = 4_000;
/** The comment screen gives up after this long without a touch or a keystroke: the rating is already recorded. */
export const COMMENT_IDLE_MS = 15_000;

/** `/rating`: the citizen's satisfaction pad at the counter it was enrolled for. */
export function RatingPage() {
  return (
    <DeviceGate page="rating" title="rating.title">
      {(session) => <RatingForCounter session={session} />}
    </DeviceGate>
  );
}

function RatingForCounter({ session }: { session: DeviceSession }) {
  const t = useT();
  const counter = session.info.counters.find((c) => c.id === session.info.device.counterId);
  return (
    <main className="device-page rating" data-device-page="rating">
      <DeviceHeader session={session} title={counter ? counter.name : t('rating.title')} />
      {counter && <RatingPad key={counter.id} session={session} counterId={counter.id} />}
    </main>
  );
}

type Step = { kind: 'choose' } | { kind: 'comment'; ticketId: string } | { kind: 'thanks'; rating: Rating };

function RatingPad({ session, counterId }: { session: DeviceSession; counterId: string }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const path = `/api/v1/device/counters/${encodeURIComponent(counterId)}/rating`;
  const polled = usePolled(() => session.request('GET', path, RatingPadStateSchema), REFRESH_MS, counterId);
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // Tickets rated here: the pad's picture may lag a poll behind, and nobody should be asked twice.
  const [ratedHere, setRatedHere] = useState<ReadonlySet<string>>(new Set());

  const pending = polled.data?.pending ?? null;
  const toRate = pending !== null && !ratedHere.has(pending.ticketId) ? pending : null;

  useEffect(() => {
    if (step.kind !== 'thanks') return;
    const timer = setTimeout(() => setStep({ kind: 'choose' }), THANKS_MS);
    return () => clearTimeout(timer);
  }, [step]);

  const rate = (rating: Rating): void => {
    if (!toRate) return;
    const ticketId = toRate.ticketId;
    setBusy(true);
    setError(null);
    session
      .request('POST', path, RatingReceiptSchema, { ticketId, rating })
      .then(() => {
        // Recorded now, whatever happens next: a citizen who walks away has still rated.
        setRatedHere((set) => new Set(set).add(ticketId));
        setStep(rating === 'unsatisfied' ? { kind: 'comment', ticketId } : { kind: 'thanks', rating });
        polled.refresh();
      })
      .catch((e: unknown) => {
        if (e instanceof RemoteError && e.code === 'conflict') {
          // Nothing to rate any more (already rated, or the next citizen was served): back to idle.
          setRatedHere((set) => new Set(set).add(ticketId));
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

  if (step.kind === 'comment') {
    return (
      <CommentStep
        session={session}
        path={`${path}/comment`}
        ticketId={step.ticketId}
        onDone={() => setStep({ kind: 'thanks', rating: 'unsatisfied' })}
      />
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

  return (
    <section className="rating-screen" data-rating-step="choose" aria-labelledby="rating-question">
      <h2 id="rating-question" className="rating-question">
        {t('rating.question')}
      </h2>
      <p className="rating-ticket">{t('rating.ticket', { number: toRate.number })}</p>
      <div className="rating-buttons">
        {RatingSchema.options.map((rating) => (
          <button
            key={rating}
            type="button"
            className={`rating-button rating-${rating}`}
            data-rating={rating}
            disabled={busy}
            onClick={() => rate(rating)}
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

/** The optional "why": the rating is already recorded; this closes itself when nobody is there. */
function CommentStep({
  session,
  path,
  ticketId,
  onDone,
}: {
  session: DeviceSession;
  path: string;
  ticketId: string;
  onDone: () => void;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [lastTouch, setLastTouch] = useState(() => Date.now());
  const [left, setLeft] = useState(Math.round(COMMENT_IDLE_MS / 1000));
  const doneRef = useRef(onDone);
  doneRef.current = onDone;

  useEffect(() => {
    if (busy) return;
    const tick = (): void => {
      const remaining = COMMENT_IDLE_MS - (Date.now() - lastTouch);
      if (remaining <= 0) doneRef.current();
      else setLeft(Math.ceil(remaining / 1000));
    };
    tick();
    const timer = setInterval(tick, 250);
    return () => clearInterval(timer);
  }, [lastTouch, busy]);

  const send = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const text = comment.trim();
    if (!text) {
      doneRef.current();
      return;
    }
    setBusy(true);
    setError(null);
    session
      .request('POST', path, RatingCommentReceiptSchema, { ticketId, comment: text })
      .then(() => doneRef.current())
      .catch((e: unknown) => {
        // Already commented (a retry that did arrive), or too late: the rating stands either way.
        if (e instanceof RemoteError && e.code === 'conflict') doneRef.current();
        else {
          setError(e);
          setBusy(false);
          setLastTouch(Date.now());
        }
      });
  };

  return (
    <section
      className="rating-screen"
      data-rating-step="comment"
      onPointerDown={() => setLastTouch(Date.now())}
    >
      <form className="rating-comment" onSubmit={send}>
        <label>
          <span className="rating-question">{t('rating.commentPrompt')}</span>
          <textarea
            name="comment"
            rows={4}
            maxLength={500}
            value={comment}
            onChange={(e) => {
              setComment(e.target.value);
              setLastTouch(Date.now());
            }}
            autoFocus
          />
        </label>
        {error !== null && (
          <p className="error" role="alert">
            {describeError(lang, error)}
          </p>
        )}
        <div className="row-actions">
          <button type="submit" className="big" disabled={busy || !comment.trim()} data-action="send">
            {t('rating.send')}
          </button>
          <button type="button" className="big" disabled={busy} onClick={onDone} data-action="skip">
            {t('rating.skip')}
          </button>
        </div>
        <p className="muted" data-countdown={left}>
          {t('rating.autoClose', { seconds: left })}
        </p>
      </form>
    </section>
  );
}
