import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/i18n';
import { displayStatus } from './StatusBadge';

describe('displayStatus', () => {
  it('says "token refused" rather than "no signal" when the server refused the counter its token', () => {
    expect(displayStatus({ status: 'offline', credentialRefusedAt: 1_000 })).toBe('refused');
    expect(displayStatus({ status: 'reconnecting', credentialRefusedAt: 1_000 })).toBe('refused');
    expect(translate('vi', `status.${displayStatus({ status: 'offline', credentialRefusedAt: 1 })}`)).toBe(
      'Mã khóa bị từ chối',
    );
  });

  it('keeps the media status otherwise', () => {
    expect(displayStatus({ status: 'offline', credentialRefusedAt: null })).toBe('offline');
    expect(displayStatus({ status: 'offline' })).toBe('offline');
    // Accepted again (a new token, a newer connection): online wins.
    expect(displayStatus({ status: 'online', credentialRefusedAt: 1_000 })).toBe('online');
    expect(displayStatus(undefined)).toBe('offline');
  });
});
