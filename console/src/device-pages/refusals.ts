import { RemoteError } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { translate, type Lang } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages';

/**
 * The server explains a refused panel action (409) in an English sentence;
 * the officer reads Vietnamese. Known sentences are translated, anything
 * else is shown as the server wrote it.
 */
const KNOWN: readonly { pattern: RegExp; key: MessageKey }[] = [
  { pattern: /^no ticket waiting/i, key: 'refusal.noTicketWaiting' },
  { pattern: /^open the counter first/i, key: 'refusal.openFirst' },
  { pattern: /^finish the current citizen/i, key: 'refusal.finishFirst' },
  { pattern: /is still at this counter$/i, key: 'refusal.stillHere' },
  { pattern: /^no called ticket/i, key: 'refusal.nothingCalled' },
  { pattern: /^call a ticket before starting/i, key: 'refusal.nothingCalled' },
  { pattern: /^only a called ticket/i, key: 'refusal.nothingCalled' },
  { pattern: /^no service in progress/i, key: 'refusal.noService' },
  { pattern: /^nothing to rate/i, key: 'refusal.nothingToRate' },
];

export function describeRefusal(lang: Lang, error: unknown): string {
  if (error instanceof RemoteError && error.code === 'conflict') {
    const known = KNOWN.find((k) => k.pattern.test(error.message));
    if (known) return translate(lang, known.key);
  }
  return describeError(lang, error);
}
