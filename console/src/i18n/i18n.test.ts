import { describe, expect, it } from 'vitest';
import { localDateTimeValue, parseLocalDateTime } from './i18n';
import { en, vi } from './messages';

describe('parseLocalDateTime', () => {
  it('reads a datetime-local value as Vietnam time (UTC+7), whatever the machine says', () => {
    expect(parseLocalDateTime('2025-03-14T09:30')).toBe(Date.UTC(2025, 2, 14, 2, 30));
    expect(parseLocalDateTime('2025-03-14T00:15:20')).toBe(Date.UTC(2025, 2, 13, 17, 15, 20));
  });

  it('refuses what is not a date and time', () => {
    expect(parseLocalDateTime('')).toBeNull();
    expect(parseLocalDateTime('2025-03-14')).toBeNull();
    expect(parseLocalDateTime('2025-02-30T10:00')).toBeNull();
    expect(parseLocalDateTime('2025-03-14T24:00')).toBeNull();
  });

  it('round-trips with localDateTimeValue to the minute', () => {
    const at = Date.UTC(2025, 11, 31, 20, 5, 42);
    expect(localDateTimeValue(at)).toBe('2026-01-01T03:05');
    expect(parseLocalDateTime(localDateTimeValue(at))).toBe(Date.UTC(2025, 11, 31, 20, 5));
  });
});

describe('messages', () => {
  const placeholders = (text: string): string[] =>
    [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

  it('has every string in both languages with the same placeholders', () => {
    const english = new Map<string, string>(Object.entries(en));
    expect([...english.keys()].sort()).toEqual(Object.keys(vi).sort());
    for (const [key, text] of Object.entries(vi)) {
      expect(placeholders(english.get(key) ?? ''), key).toEqual(placeholders(text));
    }
  });
});
