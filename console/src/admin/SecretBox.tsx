import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n/i18n';

/**
 * A generated password, agent token or API key. The server keeps only its
 * hash, so this is the one time it can be read: shown until dismissed,
 * never stored in the console.
 */
export function SecretBox({
  label,
  secret,
  onDismiss,
}: {
  label: string;
  secret: string;
  onDismiss: () => void;
}) {
  const t = useT();
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const valueRef = useRef<HTMLElement>(null);
  useEffect(() => {
    // Selected, so it can be copied by hand at once.
    const node = valueRef.current;
    const selection = window.getSelection();
    if (node && selection) selection.selectAllChildren(node);
  }, [secret]);

  const copy = (): void => {
    navigator.clipboard
      .writeText(secret)
      .then(() => setCopied('yes'))
      .catch((error: unknown) => {
        console.warn('clipboard refused', error);
        setCopied('failed');
      });
  };

  return (
    <div className="secret-box" data-secret role="alert" aria-labelledby="secret-label">
      <p id="secret-label">
        <strong>{label}</strong>
      </p>
      <code ref={valueRef} className="secret-value" data-secret-value>
        {secret}
      </code>
      <p className="muted small">{t('admin.secret.once')}</p>
      <div className="row-actions">
        <button type="button" onClick={copy} data-action="copy-secret">
          {t('admin.secret.copy')}
        </button>
        <button type="button" className="primary" onClick={onDismiss} data-action="dismiss-secret">
          {t('admin.secret.dismiss')}
        </button>
        <span role="status" className={copied === 'failed' ? 'error' : 'ok'}>
          {copied === 'yes'
            ? t('admin.secret.copied')
            : copied === 'failed'
              ? t('admin.secret.copyFailed')
              : ''}
        </span>
      </div>
    </div>
  );
}
