import { describe, expect, it } from 'vitest';
import {
  elapsedSeconds,
  formatExpectedWait,
  formatMinutes,
  formatPercent,
  serviceName,
  utilisation,
} from './format';
import { formatDuration, localDateValue, parseLocalDate, startOfLocalDay } from '../i18n/i18n';

describe('formatExpectedWait', () => {
  it('reads as minutes, unbounded or unknown in both languages', () => {
    expect(formatExpectedWait('vi', { kind: 'finite', seconds: 720 })).toBe('≈ 12 phút');
    expect(formatExpectedWait('en', { kind: 'finite', seconds: 720 })).toBe('≈ 12 min');
    expect(formatExpectedWait('vi', { kind: 'finite', seconds: 20 })).toBe('dưới 1 phút');
    expect(formatExpectedWait('vi', { kind: 'unbounded' })).toBe('tăng không giới hạn');
    expect(formatExpectedWait('vi', { kind: 'unknown' })).toBe('chưa đủ dữ liệu');
    expect(formatExpectedWait('en', { kind: 'unbounded' })).toBe('growing without limit');
  });
});

describe('number formats', () => {
  it('formats minutes with the language decimal separator, dashes for no data', () => {
    expect(formatMinutes('vi', 270)).toBe('4,5 phút');
    expect(formatMinutes('en', 270)).toBe('4.5 min');
    expect(formatMinutes('en', 1500)).toBe('25 min');
    expect(formatMinutes('vi', null)).toBe('–');
    expect(formatPercent('en', 0.856)).toBe('86%');
    expect(formatPercent('vi', null)).toBe('–');
  });

  it('names services from the built-in list or the device list, else by code', () => {
    expect(serviceName('vi', 'passport')).toBe('Cấp hộ chiếu phổ thông');
    expect(serviceName('en', 'passport')).toBe('Passport issuance');
    expect(serviceName('vi', 'x', [{ code: 'x', vi: 'Dịch vụ X', en: 'X', typicalMinutes: 5 }])).toBe(
      'Dịch vụ X',
    );
    expect(serviceName('vi', 'unknown-code')).toBe('unknown-code');
  });

  it('computes utilisation and elapsed time on the server clock', () => {
    expect(utilisation(12, 600, 2)).toBe(1);
    expect(utilisation(12, 600, 0)).toBeNull();
    expect(elapsedSeconds(1_000, 500, 3_500)).toBe(3);
    expect(elapsedSeconds(10_000, 0, 3_500)).toBe(0);
    expect(formatDuration(754)).toBe('12:34');
  });
});

describe('local day in Asia/Ho_Chi_Minh', () => {
  it('finds midnight UTC+7 and round-trips date inputs', () => {
    const t = Date.UTC(2025, 2, 14, 18, 0); // 01:00 on the 15th in Hà Nội
    expect(localDateValue(t)).toBe('2025-03-15');
    expect(startOfLocalDay(t)).toBe(Date.UTC(2025, 2, 14, 17, 0));
    expect(parseLocalDate('2025-03-15')).toBe(Date.UTC(2025, 2, 14, 17, 0));
    expect(parseLocalDate('15/03/2025')).toBeNull();
  });
});
