import { useState, type RefObject, type SyntheticEvent } from 'react';
import { ChecklistResultSchema, type ChecklistItem, type ChecklistResult } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { formatTime, useT, type Lang } from '../i18n/i18n';
import { Elapsed } from '../queue/Elapsed';
import { useStore } from '../store/store';
import { useDraftSync } from './draftSync';
import { officerLabel } from './report';
import { addObservation, endInspection, resumeInspection, startInspection } from './inspectionActions';
import { captureStill } from './still';

/** The checklist answers in display order. */
export const RESULTS: readonly ChecklistResult[] = ChecklistResultSchema.options;

export function checklistText(item: ChecklistItem, lang: Lang): string {
  return lang === 'vi' ? item.vi : item.en;
}

/**
 * Beside the focus video while an inspection runs: the checklist, notes,
 * the officer on duty, "capture this moment", the observations so far, and
 * the end. Answers are saved on the server as they are typed, so a closed
 * view, tab or browser loses nothing: reopening resumes them.
 */
export function InspectionPanel({
  counterId,
  videoRef,
}: {
  counterId: string;
  videoRef: RefObject<HTMLVideoElement | null>;
}) {
  const t = useT();
  const inspection = useStore((s) =>
    s.activeInspection?.counterId === counterId && s.activeInspection.endedAt === null
      ? s.activeInspection
      : null,
  );
  const start = useStore((s) => (s.inspectionStart?.counterId === counterId ? s.inspectionStart : null));
  const other = useStore((s) =>
    s.activeInspection !== null && s.activeInspection.counterId !== counterId ? s.activeInspection : null,
  );

  if (!inspection) {
    return (
      <section
        className="inspection-panel"
        aria-label={t('inspection.title')}
        data-inspection-state="starting"
      >
        {start?.error ? (
          <>
            <p className="error" role="alert">
              {start.error}
            </p>
            <div className="row-actions">
              {other ? (
                <button type="button" data-action="resume-inspection" onClick={() => resumeInspection(other)}>
                  {t('inspection.resumeOther')}
                </button>
              ) : (
                <button type="button" data-action="inspect" onClick={() => startInspection(counterId)}>
                  {t('common.retry')}
                </button>
              )}
            </div>
          </>
        ) : (
          <p className="muted" role="status">
            {t('inspection.starting')}
          </p>
        )}
      </section>
    );
  }
  return <RunningInspection key={inspection.id} videoRef={videoRef} />;
}

function RunningInspection({ videoRef }: { videoRef: RefObject<HTMLVideoElement | null> }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  // Rendered only while there is one (see InspectionPanel).
  const inspection = useStore((s) => s.activeInspection);
  const draft = useStore((s) => s.inspectionDraft);
  const update = useStore((s) => s.updateInspectionDraft);
  const loading = useStore((s) => s.draftSync.state === 'loading');
  const [ending, setEnding] = useState(false);
  const [endError, setEndError] = useState<string | null>(null);
  useDraftSync(inspection?.id ?? 0);
  if (!inspection) return null;

  const answered = inspection.checklist.filter((item) => draft.results[item.id] !== undefined).length;
  const total = inspection.checklist.length;

  const end = (): void => {
    setEnding(true);
    setEndError(null);
    endInspection(inspection, draft).catch((e: unknown) => {
      setEndError(describeError(lang, e));
      setEnding(false);
    });
  };

  return (
    <section
      className="inspection-panel"
      aria-labelledby="inspection-title"
      data-inspection-id={inspection.id}
      data-inspection-state="running"
    >
      <header className="inspection-head">
        <h3 id="inspection-title">{t('inspection.title')}</h3>
        <span className="muted">
          {t('inspection.startedAt', { time: formatTime(lang, inspection.startedAt, false) })} ·{' '}
          <Elapsed since={inspection.startedAt} />
        </span>
      </header>

      <DraftStatus />

      <fieldset className="checklist" disabled={loading}>
        <legend>{t('inspection.checklist')}</legend>
        {inspection.checklist.map((item) => (
          <fieldset
            key={item.id}
            className={`check-item check-${draft.results[item.id] ?? 'none'}`}
            data-check-item={item.id}
          >
            <legend>{checklistText(item, lang)}</legend>
            <div className="check-choices">
              {RESULTS.map((result) => (
                <label key={result} className={`check-choice choice-${result}`}>
                  <input
                    type="radio"
                    name={`check-${inspection.id}-${item.id}`}
                    value={result}
                    checked={draft.results[item.id] === result}
                    onChange={() => update({ results: { ...draft.results, [item.id]: result } })}
                  />
                  {t(`inspection.result.${result}`)}
                </label>
              ))}
            </div>
          </fieldset>
        ))}
      </fieldset>

      {inspection.officer ? (
        <p className="field officer-on-duty" data-officer-id={inspection.officer.id}>
          <span>{t('inspection.officerOnDuty')}</span>
          <strong>{officerLabel(inspection, t('inspection.badgeWord'))}</strong>
        </p>
      ) : (
        <label className="field">
          {t('inspection.officer')}
          <input
            name="officerName"
            data-field="officer"
            maxLength={120}
            disabled={loading}
            value={draft.officerName}
            onChange={(e) => update({ officerName: e.target.value })}
            autoComplete="off"
          />
        </label>
      )}
      <label className="field">
        {t('inspection.notes')}
        <textarea
          name="notes"
          data-field="notes"
          rows={3}
          maxLength={10_000}
          disabled={loading}
          value={draft.notes}
          onChange={(e) => update({ notes: e.target.value })}
        />
      </label>

      <MomentCapture inspectionId={inspection.id} videoRef={videoRef} />

      <section aria-labelledby="observations-title">
        <h4 id="observations-title" className="subsection-title">
          {t('inspection.observations', { count: inspection.observations.length })}
        </h4>
        {inspection.observations.length === 0 ? (
          <p className="muted">{t('inspection.noObservations')}</p>
        ) : (
          <ol className="observations">
            {inspection.observations.map((o) => (
              <li key={o.id} data-observation-id={o.id}>
                <time dateTime={new Date(o.at).toISOString()}>{formatTime(lang, o.at)}</time>
                {o.stillUrl !== null && (
                  <a href={o.stillUrl} target="_blank" rel="noopener">
                    <img
                      src={o.stillUrl}
                      alt={t('inspection.stillAt', { time: formatTime(lang, o.at) })}
                      className="observation-thumb"
                      loading="lazy"
                    />
                  </a>
                )}
                <span className="observation-note">{o.note || t('inspection.noNote')}</span>
              </li>
            ))}
          </ol>
        )}
      </section>

      <footer className="inspection-end">
        <p className="muted" id="inspection-progress">
          {t('inspection.progress', { answered, total })}
          {answered < total && ` ${t('inspection.unansweredNote')}`}
        </p>
        {endError && (
          <p className="error" role="alert">
            {endError}
          </p>
        )}
        <button
          type="button"
          className="primary"
          data-action="end-inspection"
          aria-describedby="inspection-progress"
          disabled={ending || loading}
          onClick={end}
        >
          {ending ? t('inspection.ending') : t('inspection.end')}
        </button>
      </footer>
    </section>
  );
}

/** Whether what is typed is on the server yet: the inspector never has to press "save". */
function DraftStatus() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const state = useStore((s) => s.draftSync.state);
  const savedAt = useStore((s) => s.draftSync.savedAt);
  const error = useStore((s) => s.draftSync.error);
  const text =
    state === 'loading'
      ? t('inspection.draftLoading')
      : state === 'error'
        ? t('inspection.draftError', { error: error ?? '' })
        : state === 'saved'
          ? savedAt === null
            ? t('inspection.draftNothing')
            : t('inspection.draftSaved', { time: formatTime(lang, savedAt) })
          : t('inspection.draftSaving');
  return (
    <p
      className={`draft-status muted${state === 'error' ? ' error' : ''}`}
      role="status"
      data-draft-state={state}
    >
      {text}
    </p>
  );
}

/** A note (optional) and the picture of this moment, on record with the time. */
function MomentCapture({
  inspectionId,
  videoRef,
}: {
  inspectionId: number;
  videoRef: RefObject<HTMLVideoElement | null>;
}) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);

  const capture = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    // The picture is taken at the click, before anything is sent.
    const video = videoRef.current;
    const still = video ? captureStill(video) : null;
    setBusy(true);
    setStatus(null);
    addObservation(inspectionId, note, still)
      .then(() => {
        setNote('');
        setStatus({
          ok: true,
          text: still ? t('inspection.momentSaved') : t('inspection.momentSavedNoStill'),
        });
      })
      .catch((e: unknown) => setStatus({ ok: false, text: describeError(lang, e) }))
      .finally(() => setBusy(false));
  };

  return (
    <form className="moment" onSubmit={capture} aria-label={t('inspection.flagMoment')}>
      <label className="field">
        {t('inspection.momentNote')}
        <input
          name="momentNote"
          data-field="moment-note"
          maxLength={2000}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          autoComplete="off"
        />
      </label>
      <button type="submit" data-action="flag-moment" disabled={busy}>
        {t('inspection.flagMoment')}
      </button>
      <span role="status" className={status?.ok === false ? 'error' : 'ok'}>
        {status?.text ?? ''}
      </span>
    </form>
  );
}
