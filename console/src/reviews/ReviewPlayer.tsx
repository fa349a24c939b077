import { useCallback, useEffect, useMemo, useState, type SyntheticEvent } from 'react';
import {
  FindingSchema,
  FlagInteractionSchema,
  RemoteError,
  ReviewDecisionSchema,
  type Finding,
  type Interaction,
  DownloadLinkSchema,
  InteractionResponseSchema,
  PlaybackSchema,
  type Playback,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { useApiQuery } from '../api/useApiQuery';
import { followLink } from '../app/router';
import { formatDateTime, formatDuration, formatTime, useT } from '../i18n/i18n';
import { serviceName } from '../queue/format';
import { useCounterNames, useDepartmentNames } from '../store/names';
import { useStore } from '../store/store';
import { interactionPath } from './api';
import { ClipPlayer } from './ClipPlayer';
import { RatingText, ReasonChips } from './parts';

type PlaybackState =
  | { status: 'loading' }
  | { status: 'ready'; playback: Playback }
  | { status: 'none' }
  | { status: 'error'; error: unknown };

/**
 * One playback request per interaction at a time: each is an audit row, and
 * React's development double-mount must not make two.
 */
const playbackRequests = new Map<number, Promise<Playback>>();
function requestPlayback(id: number): Promise<Playback> {
  let pending = playbackRequests.get(id);
  if (!pending) {
    pending = apiRequest('POST', `${interactionPath(id)}/playback`, PlaybackSchema, {});
    playbackRequests.set(id, pending);
    const forget = (): void => {
      playbackRequests.delete(id);
    };
    pending.then(forget, forget);
  }
  return pending;
}

/** 404 and 503 mean "no recording of that span" (never recorded, gap, or already released). */
function isNoRecording(error: unknown): boolean {
  return error instanceof RemoteError && (error.code === 'not_found' || error.code === 'unavailable');
}

function usePlayback(id: number): { state: PlaybackState; retry: () => void } {
  const [state, setState] = useState<PlaybackState>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    requestPlayback(id)
      .then((playback) => {
        if (current) setState({ status: 'ready', playback });
      })
      .catch((error: unknown) => {
        if (current) setState(isNoRecording(error) ? { status: 'none' } : { status: 'error', error });
      });
    return () => {
      current = false;
    };
  }, [id, generation]);
  const retry = useCallback(() => setGeneration((g) => g + 1), []);
  return { state, retry };
}

/** `/reviews/:id`: the clip with its events, the facts, flags and decisions, and the decision form. */
export function ReviewPlayer({ interactionId }: { interactionId: number }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const { data, error, setData } = useApiQuery(interactionPath(interactionId), InteractionResponseSchema);
  const interaction = data?.interaction;
  const changed = (next: Interaction): void => setData({ interaction: next });

  const back = (
    <a href="/reviews" className="button-link" onClick={(e) => followLink(e, '/reviews')}>
      ← {t('reviews.back')}
    </a>
  );
  if (!interaction) {
    return (
      <section className="page" data-interaction-id={interactionId}>
        {back}
        {error !== null ? (
          <p className="error" role="alert">
            {describeError(lang, error)}
          </p>
        ) : (
          <p className="muted">{t('common.loading')}</p>
        )}
      </section>
    );
  }

  return (
    <section
      className="page review-player"
      aria-labelledby="review-title"
      data-interaction-id={interaction.id}
      data-review={interaction.review}
    >
      <header className="page-header">
        {back}
        <h2 id="review-title">{t('player.title', { ticket: interaction.ticketNumber })}</h2>
        <ReasonChips flags={interaction.flags} />
      </header>
      <div className="review-layout">
        <div className="review-media">
          <Recording interaction={interaction} />
        </div>
        <div className="review-side">
          <InteractionFacts interaction={interaction} />
          <FlagsAndDecisions interaction={interaction} />
          {interaction.flags.length > 0 ? (
            <DecisionForm interaction={interaction} onDecided={changed} />
          ) : (
            <p className="notice">{t('decision.flagFirst')}</p>
          )}
          <FlagInteraction interaction={interaction} onFlagged={changed} />
        </div>
      </div>
    </section>
  );
}

function Recording({ interaction }: { interaction: Interaction }) {
  const interactions = useMemo(() => [interaction], [interaction]);
  const t = useT();
  const lang = useStore((s) => s.lang);
  const { state, retry } = usePlayback(interaction.id);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<string | null>(null);
  // The link expired (30 min) or the browser cannot decode the clip: say so, offer a fresh link and the export.
  const [videoFailed, setVideoFailed] = useState(false);

  const exportClip = (): void => {
    setExporting(true);
    setExportError(null);
    apiRequest('POST', `${interactionPath(interaction.id)}/export`, DownloadLinkSchema, {})
      .then(({ url }) => {
        // The link answers with an attachment: the browser saves it and this page stays.
        const a = document.createElement('a');
        a.href = url;
        a.download = '';
        document.body.append(a);
        a.click();
        a.remove();
      })
      .catch((e: unknown) =>
        setExportError(isNoRecording(e) ? t('player.noRecording') : describeError(lang, e)),
      )
      .finally(() => setExporting(false));
  };

  let body: React.JSX.Element;
  switch (state.status) {
    case 'loading':
      body = <p className="muted clip-placeholder">{t('player.loading')}</p>;
      break;
    case 'none':
      body = (
        <div className="clip-placeholder" data-recording="none" role="status">
          <p>{t('player.noRecording')}</p>
          <p className="muted small">{t('player.noRecordingExplain')}</p>
        </div>
      );
      break;
    case 'error':
      body = (
        <div className="clip-placeholder" data-recording="error">
          <p className="error" role="alert">
            {describeError(lang, state.error)}
          </p>
          <button type="button" onClick={retry}>
            {t('common.retry')}
          </button>
        </div>
      );
      break;
    case 'ready':
      body = videoFailed ? (
        <div className="clip-placeholder" data-recording="unplayable">
          <p className="error" role="alert">
            {t('player.unplayable')}
          </p>
          <button
            type="button"
            onClick={() => {
              setVideoFailed(false);
              retry();
            }}
          >
            {t('common.retry')}
          </button>
        </div>
      ) : (
        <ClipPlayer
          playback={state.playback}
          interactions={interactions}
          onError={() => setVideoFailed(true)}
        />
      );
      break;
  }

  return (
    <section aria-label={t('player.recording')} data-recording={state.status}>
      {body}
      <div className="row-actions export-row">
        <button
          type="button"
          data-action="export"
          disabled={exporting || state.status === 'none'}
          onClick={exportClip}
        >
          {exporting ? t('player.exporting') : t('player.export')}
        </button>
        <span className="muted small">{t('player.exportExplain')}</span>
      </div>
      {exportError && (
        <p className="error" role="alert">
          {exportError}
        </p>
      )}
    </section>
  );
}

function InteractionFacts({ interaction: i }: { interaction: Interaction }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const counterNames = useCounterNames();
  const departmentNames = useDepartmentNames();
  const time = (at: number | null): string => (at === null ? '–' : formatTime(lang, at));
  return (
    <dl className="facts interaction-facts">
      <dt>{t('common.department')}</dt>
      <dd>{departmentNames[i.departmentId] ?? i.departmentId}</dd>
      <dt>{t('common.counter')}</dt>
      <dd data-fact="counter">{counterNames[i.counterId] ?? i.counterId}</dd>
      <dt>{t('reviews.officer')}</dt>
      <dd data-fact="officer" data-officer-id={i.officer?.id}>
        {i.officer
          ? t('reviews.officerBadge', { name: i.officer.displayName, badge: i.officer.badgeNumber })
          : t('reviews.noOfficer')}
      </dd>
      <dt>{t('reviews.ticket')}</dt>
      <dd data-fact="ticket">{i.ticketNumber}</dd>
      <dt>{t('reviews.service')}</dt>
      <dd>{serviceName(lang, i.serviceCode)}</dd>
      <dt>{t('reviews.date')}</dt>
      <dd>{formatDateTime(lang, i.startedAt)}</dd>
      <dt>{t('reviews.timesLabel')}</dt>
      <dd>
        {t('reviews.times', {
          issued: time(i.issuedAt),
          called: time(i.calledAt),
          started: time(i.startedAt),
          finished: time(i.finishedAt),
        })}
      </dd>
      <dt>{t('reviews.wait')}</dt>
      <dd>{i.waitSeconds === null ? '–' : formatDuration(i.waitSeconds)}</dd>
      <dt>{t('reviews.serviceTime')}</dt>
      <dd>{formatDuration(i.serviceSeconds)}</dd>
      <dt>{t('reviews.outcome')}</dt>
      <dd>{t(`outcome.${i.outcome}`)}</dd>
      <dt>{t('reviews.rating')}</dt>
      <dd data-fact="rating">
        <RatingText rating={i.rating} />
        {i.ratingComment && (
          <>
            {' '}
            <q className="alert-note">{i.ratingComment}</q>
          </>
        )}
      </dd>
      <dt>{t('reviews.state')}</dt>
      <dd data-fact="review-state">{t(`reviewState.${i.review}`)}</dd>
      <dt>{t('decision.keep')}</dt>
      <dd data-fact="keep">{i.keep ? t('common.yes') : t('common.no')}</dd>
    </dl>
  );
}

function FlagsAndDecisions({ interaction }: { interaction: Interaction }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  return (
    <>
      <section aria-labelledby="flags-title">
        <h3 id="flags-title" className="subsection-title">
          {t('reviews.flags')}
        </h3>
        {interaction.flags.length === 0 ? (
          <p className="muted">{t('reviews.noFlags')}</p>
        ) : (
          <ul className="record-list">
            {interaction.flags.map((f, index) => (
              <li key={`${f.reason}-${f.at}-${index}`} data-flag-reason={f.reason}>
                <span className={`chip reason-${f.reason}`}>{t(`reason.${f.reason}`)}</span>{' '}
                <span className="muted">
                  {formatDateTime(lang, f.at)} · {f.by ?? t('reviews.bySystem')}
                </span>
                {f.note && <div className="record-note">{f.note}</div>}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="decisions-title">
        <h3 id="decisions-title" className="subsection-title">
          {t('decision.previous')}
        </h3>
        {interaction.decisions.length === 0 ? (
          <p className="muted">{t('decision.none')}</p>
        ) : (
          <ul className="record-list">
            {interaction.decisions.map((d, index) => (
              <li key={`${d.at}-${index}`} data-decision={d.finding}>
                <strong className={`finding finding-${d.finding}`}>{t(`finding.${d.finding}`)}</strong>{' '}
                <span className="muted">
                  {formatDateTime(lang, d.at)} · {d.by}
                </span>
                <div className="record-note">{d.note}</div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function DecisionForm({
  interaction,
  onDecided,
}: {
  interaction: Interaction;
  onDecided: (next: Interaction) => void;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [finding, setFinding] = useState<Finding | null>(null);
  const [note, setNote] = useState('');
  const [keep, setKeep] = useState(interaction.keep);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const body = ReviewDecisionSchema.safeParse({ finding, note, keep });
    if (!body.success) {
      setMessage({
        ok: false,
        text: finding === null ? t('decision.chooseFinding') : t('decision.noteRequired'),
      });
      return;
    }
    setBusy(true);
    setMessage(null);
    apiRequest('POST', `${interactionPath(interaction.id)}/decision`, InteractionResponseSchema, body.data)
      .then(({ interaction: next }) => {
        onDecided(next);
        setNote('');
        setFinding(null);
        setMessage({ ok: true, text: t('decision.saved') });
      })
      .catch((e: unknown) => setMessage({ ok: false, text: describeError(lang, e) }))
      .finally(() => setBusy(false));
  };

  return (
    <form className="decision-form panel-box" onSubmit={submit} aria-labelledby="decision-title" noValidate>
      <h3 id="decision-title" className="subsection-title">
        {t('decision.title')}
      </h3>
      <fieldset className="findings">
        <legend>{t('decision.finding')}</legend>
        {FindingSchema.options.map((f) => (
          <label key={f} className={`finding-choice finding-${f}`}>
            <input
              type="radio"
              name="finding"
              value={f}
              data-finding={f}
              checked={finding === f}
              onChange={() => setFinding(f)}
            />
            {t(`finding.${f}`)}
          </label>
        ))}
      </fieldset>
      <label className="field">
        {t('decision.note')}
        <textarea
          name="note"
          rows={3}
          maxLength={4000}
          required
          aria-required="true"
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </label>
      <label className="checkbox">
        <input
          type="checkbox"
          name="keep"
          data-field="keep"
          checked={keep}
          onChange={(e) => setKeep(e.target.checked)}
        />
        {t('decision.keepLong')}
      </label>
      <div className="row-actions">
        <button type="submit" className="primary" data-action="decide" disabled={busy}>
          {t('decision.submit')}
        </button>
        <span role="status" className={message?.ok === false ? 'error' : 'ok'}>
          {message?.text ?? ''}
        </span>
      </div>
    </form>
  );
}

/** A reviewer's own flag on a service (e.g. one found while browsing closed reviews). */
function FlagInteraction({
  interaction,
  onFlagged,
}: {
  interaction: Interaction;
  onFlagged: (next: Interaction) => void;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!open) {
    return (
      <button type="button" data-action="flag-interaction" onClick={() => setOpen(true)}>
        {t('flag.interaction')}
      </button>
    );
  }
  const submit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const body = FlagInteractionSchema.safeParse({ note });
    if (!body.success) {
      setError(t('flag.noteRequired'));
      return;
    }
    setBusy(true);
    setError(null);
    apiRequest('POST', `${interactionPath(interaction.id)}/flag`, InteractionResponseSchema, body.data)
      .then(({ interaction: next }) => {
        onFlagged(next);
        setOpen(false);
        setNote('');
      })
      .catch((e: unknown) => setError(describeError(lang, e)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="panel-box" onSubmit={submit}>
      <label className="field">
        {t('flag.note')}
        <textarea
          name="note"
          rows={2}
          maxLength={1000}
          required
          autoFocus
          value={note}
          onChange={(e) => setNote(e.target.value)}
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="row-actions">
        <button type="submit" data-action="confirm-flag" disabled={busy}>
          {t('flag.submit')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
