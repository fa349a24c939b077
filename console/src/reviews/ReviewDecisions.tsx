import { useState, type SyntheticEvent } from 'react';
import {
  FindingSchema,
  FlagInteractionSchema,
  ReviewDecisionSchema,
  type Finding,
  type Interaction,
  InteractionResponseSchema,
} from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { formatDateTime, useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { interactionPath } from './api';

export function FlagsAndDecisions({ interaction }: { interaction: Interaction }) {
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

export function DecisionForm({
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
export function FlagInteraction({
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
