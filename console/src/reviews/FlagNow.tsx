import { useState, type SyntheticEvent } from 'react';
import { FlagInteractionSchema, RemoteError, InteractionResponseSchema } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';

/**
 * "Đánh dấu" in the focus view: puts the citizen being served now in the
 * review queue, with a note. The server answers 409 when nobody is at the counter.
 */
export function FlagNow({ counterId }: { counterId: string }) {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const submit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const body = FlagInteractionSchema.safeParse({ note });
    if (!body.success) {
      setResult({ ok: false, text: t('flag.noteRequired') });
      return;
    }
    setBusy(true);
    setResult(null);
    apiRequest(
      'POST',
      `/api/v1/counters/${encodeURIComponent(counterId)}/flag`,
      InteractionResponseSchema,
      body.data,
    )
      .then(({ interaction }) => {
        setOpen(false);
        setNote('');
        setResult({ ok: true, text: t('flag.done', { ticket: interaction.ticketNumber }) });
      })
      .catch((e: unknown) => {
        const nobody = e instanceof RemoteError && e.code === 'conflict';
        setResult({ ok: false, text: nobody ? t('flag.nobodyAtCounter') : describeError(lang, e) });
      })
      .finally(() => setBusy(false));
  };

  return (
    <div className="flag-now">
      <button
        type="button"
        data-action="flag-counter"
        aria-expanded={open}
        aria-controls={`flag-now-${counterId}`}
        onClick={() => {
          setOpen(!open);
          setResult(null);
        }}
      >
        {t('flag.now')}
      </button>
      {open && (
        <form
          id={`flag-now-${counterId}`}
          className="popover flag-form"
          onSubmit={submit}
          onKeyDown={(e) => {
            // Esc closes this form, not the focus view behind it.
            if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(false);
            }
          }}
        >
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
          <p className="muted small">{t('flag.explain')}</p>
          <div className="row-actions">
            <button type="submit" className="primary" data-action="confirm-flag" disabled={busy}>
              {t('flag.submit')}
            </button>
            <button type="button" onClick={() => setOpen(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
      <span
        role="status"
        aria-live="polite"
        className={`flag-result ${result?.ok === false ? 'error' : 'ok'}`}
      >
        {result?.text ?? ''}
      </span>
    </div>
  );
}
