import { DepartmentSelect, CounterSelect } from '../filters/PlaceSelects';
import { useState, type SyntheticEvent } from 'react';
import {
  ComplaintSchema,
  FlagFromComplaintSchema,
  type Interaction,
  CandidatesSchema,
  InteractionResponseSchema,
} from '@counterwatch/shared';
import { apiRequest } from '../api/http';
import { useFormSubmit } from '../api/useFormSubmit';
import { followLink } from '../app/router';
import { formatTime, localDateTimeValue, parseLocalDateTime, useT } from '../i18n/i18n';
import { serviceName } from '../queue/format';
import { useCounterNames } from '../store/names';
import { useStore } from '../store/store';
import { RatingText } from './parts';

/**
 * "Nhập phản ánh": a citizen's complaint (where, roughly when, what) is
 * matched to the services around that time; the reviewer picks the one
 * meant and it joins the review queue with the complaint as its flag.
 */
export function ComplaintForm({ onFlagged }: { onFlagged: () => void }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const departments = useStore((s) => s.departments);
  const serverOffsetMs = useStore((s) => s.serverOffsetMs);
  const [open, setOpen] = useState(false);
  const [departmentId, setDepartmentId] = useState('');
  const [counterId, setCounterId] = useState('');
  const [when, setWhen] = useState('');
  const [description, setDescription] = useState('');
  const [candidates, setCandidates] = useState<Interaction[] | null>(null);
  const [chosen, setChosen] = useState<number | null>(null);
  const { busy, result, setResult, submit } = useFormSubmit();
  const [done, setDone] = useState<Interaction | null>(null);
  // The first department until one is chosen: a complaint always names one.
  const department = departmentId || departments[0]?.id || '';
  const counterNames = useCounterNames();

  const reset = (): void => {
    setCandidates(null);
    setChosen(null);
    setResult(null);
  };

  const search = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    // An unreadable time (null) fails the schema too; then the missing time is what the form says.
    const at = parseLocalDateTime(when);
    submit({
      schema: ComplaintSchema,
      input: { departmentId: department, ...(counterId ? { counterId } : {}), at, description },
      invalid: at === null ? t('complaint.timeRequired') : t('complaint.incomplete'),
      request: (body) => {
        // A search that goes out drops the last one's candidates and filed complaint.
        reset();
        setDone(null);
        return apiRequest('POST', '/api/v1/complaints/candidates', CandidatesSchema, body);
      },
      onSuccess: (r) => setCandidates(r.candidates),
    });
  };

  const fileComplaint = (): void => {
    submit({
      schema: FlagFromComplaintSchema,
      input: { interactionId: chosen, description },
      invalid: t('complaint.chooseOne'),
      request: (body) => apiRequest('POST', '/api/v1/complaints', InteractionResponseSchema, body),
      // ComplaintDone says it, with a link to the review.
      onSuccess: ({ interaction }) => {
        setDone(interaction);
        setDescription('');
        setWhen('');
        reset();
        onFlagged();
      },
    });
  };

  if (!open) {
    return (
      <div className="complaint-toggle">
        <button
          type="button"
          data-action="complaint-open"
          aria-expanded={false}
          onClick={() => {
            setOpen(true);
            // Now, on the server's clock, as a starting point to adjust.
            if (!when) setWhen(localDateTimeValue(Date.now() + serverOffsetMs));
          }}
        >
          {t('complaint.open')}
        </button>
        {done && <ComplaintDone interaction={done} />}
      </div>
    );
  }

  return (
    <section className="complaint panel-box" aria-labelledby="complaint-title">
      <h3 id="complaint-title" className="section-title">
        {t('complaint.title')}
      </h3>
      <form className="complaint-form" onSubmit={search} data-form="complaint">
        <DepartmentSelect
          name="departmentId"
          value={department}
          required
          onChange={(id) => {
            setDepartmentId(id);
            setCounterId('');
            reset();
          }}
        />
        <CounterSelect
          name="counterId"
          label={t('complaint.counter')}
          departmentId={department}
          value={counterId}
          emptyOption={t('complaint.anyCounter')}
          onChange={(id) => {
            setCounterId(id);
            reset();
          }}
        />
        <label>
          {t('complaint.when')}
          <input
            type="datetime-local"
            name="at"
            required
            value={when}
            onChange={(e) => {
              setWhen(e.target.value);
              reset();
            }}
          />
          <span className="muted small">{t('complaint.zone')}</span>
        </label>
        <label className="wide">
          {t('complaint.description')}
          <textarea
            name="description"
            rows={3}
            maxLength={4000}
            required
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
        <div className="row-actions wide">
          <button type="submit" data-action="complaint-search" disabled={busy}>
            {t('complaint.search')}
          </button>
          <button type="button" onClick={() => setOpen(false)}>
            {t('common.cancel')}
          </button>
        </div>
      </form>

      {result?.ok === false && (
        <p className="error" role="alert">
          {result.text}
        </p>
      )}

      {candidates !== null && (
        <div className="candidates" role="group" aria-labelledby="candidates-title">
          <h4 id="candidates-title" className="subsection-title">
            {t('complaint.candidates', { count: candidates.length })}
          </h4>
          {candidates.length === 0 ? (
            <p className="empty">{t('complaint.noCandidates')}</p>
          ) : (
            <ul className="candidate-list">
              {candidates.map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    className={`candidate${chosen === c.id ? ' chosen' : ''}`}
                    data-candidate-id={c.id}
                    aria-pressed={chosen === c.id}
                    onClick={() => setChosen(c.id)}
                  >
                    <strong>{c.ticketNumber}</strong>
                    <span>{counterNames[c.counterId] ?? c.counterId}</span>
                    <span>{serviceName(lang, c.serviceCode)}</span>
                    <span>
                      {formatTime(lang, c.startedAt, false)}–{formatTime(lang, c.finishedAt, false)}
                    </span>
                    <RatingText rating={c.rating} />
                  </button>
                </li>
              ))}
            </ul>
          )}
          <div className="row-actions">
            <button
              type="button"
              className="primary"
              data-action="complaint-submit"
              disabled={busy || chosen === null}
              onClick={fileComplaint}
            >
              {t('complaint.submit')}
            </button>
          </div>
        </div>
      )}
      {done && <ComplaintDone interaction={done} />}
    </section>
  );
}

function ComplaintDone({ interaction }: { interaction: Interaction }) {
  const t = useT();
  const href = `/reviews/${interaction.id}`;
  return (
    <p className="ok" role="status" data-complaint-flagged={interaction.id}>
      {t('complaint.done', { ticket: interaction.ticketNumber })}{' '}
      <a href={href} onClick={(e) => followLink(e, href)}>
        {t('complaint.openReview')}
      </a>
    </p>
  );
}
