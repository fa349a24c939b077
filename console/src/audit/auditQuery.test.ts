import { describe, expect, it } from 'vitest';
import { auditQueryString, detailText, emptyAuditFilters } from './auditQuery';

describe('auditQueryString', () => {
  it('sends only what is filled in, with times read in Vietnam time', () => {
    expect(auditQueryString(emptyAuditFilters)).toBe('?limit=500');
    const query = new URLSearchParams(
      auditQueryString({
        ...emptyAuditFilters,
        from: '2025-03-14T08:00',
        actor: ' thanhtra ',
        action: 'recording.playback',
        department: ' Hoàn Kiếm ',
        counter: 'Quầy 1',
        limit: 100,
      }),
    );
    expect(query.get('from')).toBe(String(Date.UTC(2025, 2, 14, 1, 0)));
    expect(query.get('to')).toBeNull();
    expect(query.get('actor')).toBe('thanhtra');
    expect(query.get('action')).toBe('recording.playback');
    expect(query.get('department')).toBe('Hoàn Kiếm');
    expect(query.get('counter')).toBe('Quầy 1');
    expect(query.get('limit')).toBe('100');
  });

  it('leaves out a time that is not one', () => {
    expect(auditQueryString({ ...emptyAuditFilters, to: '2025-02-31T10:00' })).toBe('?limit=500');
  });
});

describe('detailText', () => {
  it('shows strings as they are and anything else as JSON', () => {
    expect(detailText('x')).toBe('x');
    expect(detailText(3)).toBe('3');
    expect(detailText({ a: [1] })).toBe('{"a":[1]}');
    expect(detailText(undefined)).toBe('');
  });
});
