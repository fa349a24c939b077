import { RemoteError } from '@counterwatch/shared';
import { translate, type Lang } from '../i18n/i18n';

/** A failed request in words: the server's message for refusals it explains, a generic line otherwise. */
export function describeError(lang: Lang, error: unknown): string {
  if (error instanceof RemoteError) {
    switch (error.code) {
      case 'forbidden':
        return translate(lang, 'error.forbidden');
      case 'unauthenticated':
        return translate(lang, 'error.unauthenticated');
      case 'not_found':
        return translate(lang, 'error.notFound');
      case 'rate_limited':
        return translate(lang, 'error.rateLimited');
      case 'conflict':
        return translate(lang, 'error.conflict', { message: error.message });
      default:
        return translate(lang, 'common.error', { message: error.message });
    }
  }
  if (error instanceof Error) return translate(lang, 'error.network', { message: error.message });
  return translate(lang, 'common.error', { message: String(error) });
}
