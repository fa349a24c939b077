import { useState } from 'react';
import { useT } from '../i18n/i18n';

/**
 * A button for something that cannot be undone (revoking, rotating a
 * secret): the first click asks in place, the second does it.
 */
export function ConfirmButton({
  action,
  label,
  question,
  busy,
  onConfirm,
  className,
}: {
  /** `data-action` of the first button; the confirming one is `data-action="confirm"` with `data-confirm-for`. */
  action: string;
  label: string;
  question: string;
  busy?: boolean;
  onConfirm: () => void;
  className?: string;
}) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        className={className}
        data-action={action}
        disabled={busy}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  }
  return (
    <span className="confirm-inline" role="group" aria-label={question}>
      <span className="confirm-question">{question}</span>
      <button
        type="button"
        className="danger"
        data-action="confirm"
        data-confirm-for={action}
        disabled={busy}
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {t('admin.confirm')}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        {t('common.cancel')}
      </button>
    </span>
  );
}
