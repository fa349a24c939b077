import { useState, type SyntheticEvent } from 'react';
import { FlagInteractionSchema, RemoteError, InteractionResponseSchema } from '@counterwatch/shared';
import { apiRequest } from '../api/http';
import { useFormSubmit } from '../api/useFormSubmit';
import { useT } from '../i18n/i18n';
import { FlagNoteField } from './parts';

/**
 * "Đánh dấu" in the focus view: puts the citizen being served now in the
 * review queue, with a note. The server answers 409 when nobody is at the counter.
 */
export function FlagNow({ counterId }: { counterId: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState('');
  const { busy, result, setResult, submit } = useFormSubmit();

  const onSubmit = (event: SyntheticEvent<HTMLFormElement>): void => {
    event.preventDefault();
    submit({
      schema: FlagInteractionSchema,
      input: { note },
      invalid: t('flag.noteRequired'),
      request: (body) =>
        apiRequest(
          'POST',
          `/api/v1/counters/${encodeURIComponent(counterId)}/flag`,
          InteractionResponseSchema,
          body,
        ),
      onSuccess: () => {
        setOpen(false);
        setNote('');
      },
      successText: ({ interaction }) => t('flag.done', { ticket: interaction.ticketNumber }),
      mapError: (e) =>
        e instanceof RemoteError && e.code === 'conflict' ? t('flag.nobodyAtCounter') : undefined,
    });
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
          onSubmit={onSubmit}
          onKeyDown={(e) => {
            // Esc closes this form, not the focus view behind it.
            if (e.key === 'Escape') {
              e.stopPropagation();
              setOpen(false);
            }
          }}
        >
          <FlagNoteField note={note} onChange={setNote} />
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
