import { useState, type SyntheticEvent } from 'react';
import {
  FindingSchema,
  FlagInteractionSchema,
  ReviewDecisionSchema,
  type Finding,
  type Interaction,
  InteractionResponseSchema,
} from '@counterwatch/shared';
import { apiRequest } from '../api/http';
import { useFormSubmit } from '../api/useFormSubmit';
import { formatDateTime, useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { interactionPath } from './api';
import { FlagNoteField } from './parts';

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
  const [finding, setFinding] = useState<Finding | null>(null);
  const [note, setNote] = useState('');
  const [keep, setKeep] = useState(interaction.keep);
  const { busy, result: message, submit } = useFormSubmit();

  const onSubmit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    submit({
      schema: ReviewDecisionSchema,
      input: { finding, note, keep },
      invalid: finding === null ? t('decision.chooseFinding') : t('decision.noteRequired'),
      request: (body) =>
        apiRequest('POST', `${interactionPath(interaction.id)}/decision`, InteractionResponseSchema, body),
      onSuccess: ({ interaction: next }) => {
        onDecided(next);
        setNote('');
        setFinding(null);
      },
      successText: () => t('decision.saved'),
    });
  };

  return (
    <form className="decision-form panel-box" onSubmit={onSubmit} aria-labelledby="decision-title" noValidate>
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
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const { busy, result, submit } = useFormSubmit();

  if (!open) {
    return (
      <button type="button" data-action="flag-interaction" onClick={() => setOpen(true)}>
        {t('flag.interaction')}
      </button>
    );
  }
  const onSubmit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    submit({
      schema: FlagInteractionSchema,
      input: { note },
      invalid: t('flag.noteRequired'),
      request: (body) =>
        apiRequest('POST', `${interactionPath(interaction.id)}/flag`, InteractionResponseSchema, body),
      // The new flag shows in the flags list (FlagsAndDecisions): no line of its own.
      onSuccess: ({ interaction: next }) => {
        onFlagged(next);
        setOpen(false);
        setNote('');
      },
    });
  };
  return (
    <form className="panel-box" onSubmit={onSubmit}>
      <FlagNoteField note={note} onChange={setNote} />
      {result?.ok === false && (
        <p className="error" role="alert">
          {result.text}
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
