import { describe, expect, it } from 'vitest';
import { ALERT_RULES } from '@counterwatch/shared';
import { alertMessage, ruleTitle } from './alertText';

describe('alertMessage', () => {
  it('fills every rule from its details in Vietnamese', () => {
    expect(
      alertMessage('vi', { rule: 'queue_per_counter', details: { queue: 18, counters: 2 }, subject: null }),
    ).toBe('18 người chờ cho 2 quầy mở');
    expect(alertMessage('vi', { rule: 'longest_wait', details: { minutes: 31.6 }, subject: null })).toBe(
      'Người chờ lâu nhất 32 phút',
    );
    expect(
      alertMessage('vi', { rule: 'counter_idle', details: { minutes: 6, waiting: 4 }, subject: null }),
    ).toBe('Quầy nhàn rỗi 6 phút khi còn 4 người chờ');
    expect(alertMessage('vi', { rule: 'low_satisfaction', details: { percent: 55 }, subject: null })).toBe(
      'Hài lòng 55% trong giờ qua',
    );
    expect(alertMessage('en', { rule: 'expected_wait', details: { minutes: 45 }, subject: null })).toBe(
      'Expected wait 45 min',
    );
    expect(
      alertMessage('en', { rule: 'queue_per_counter', details: { queue: 1234, counters: 1 }, subject: null }),
    ).toBe('1,234 waiting for 1 open counter');
  });

  it("says how full the recording storage is, and which media node's disk", () => {
    expect(
      alertMessage('en', {
        rule: 'storage_full',
        details: { usedGb: 110, quotaGb: 100, percent: 110 },
        subject: null,
      }),
    ).toBe('Recording storage 110% used');
    expect(
      alertMessage('vi', {
        rule: 'storage_full',
        details: { usedGb: 110, quotaGb: 100, percent: 110, node: 'hn-media-2' },
        subject: null,
      }),
    ).toBe('Bộ nhớ ghi hình đã dùng 110% — máy hn-media-2');
  });

  it('names the service of an expected-wait alert', () => {
    expect(
      alertMessage('vi', {
        rule: 'expected_wait',
        details: { minutes: 45, service: 'id-card' },
        subject: null,
      }),
    ).toMatch(/^Dự kiến chờ 45 phút — \S/);
    expect(
      alertMessage('vi', {
        rule: 'expected_wait',
        details: { minutes: null, unbounded: 'yes', service: 'id-card' },
        subject: null,
      }),
    ).toMatch(/^Dự kiến chờ tăng không giới hạn — \S/);
  });

  it('takes the ticket of an unsatisfied rating from the subject when details lack it', () => {
    expect(alertMessage('vi', { rule: 'unsatisfied_rating', details: {}, subject: 'A012' })).toBe(
      'Công dân không hài lòng (vé A012)',
    );
  });

  it('falls back to the rule name when a fact is missing or null', () => {
    expect(alertMessage('vi', { rule: 'queue_per_counter', details: { queue: 18 }, subject: null })).toBe(
      'Hàng chờ quá dài',
    );
    expect(alertMessage('en', { rule: 'media_offline', details: { minutes: null }, subject: null })).toBe(
      'Picture/sound lost',
    );
  });

  it('has a title for every rule in both languages', () => {
    for (const rule of ALERT_RULES) {
      expect(ruleTitle('vi', rule)).not.toMatch(/alert\./);
      expect(ruleTitle('en', rule)).not.toMatch(/alert\./);
    }
  });
});
