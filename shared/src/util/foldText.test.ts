import { describe, expect, it } from 'vitest';
import { foldText, matchByName } from './foldText.js';

describe('foldText', () => {
  it('drops case, diacritics and extra spaces', () => {
    expect(foldText('  Phường  HOÀN Kiếm ')).toBe('phuong hoan kiem');
    expect(foldText('Đống Đa')).toBe('dong da');
    expect(foldText('Nguyễn Thị Ánh')).toBe('nguyen thi anh');
  });
});

describe('matchByName', () => {
  const counters = [
    { id: 'hk-q1', name: 'Quầy 1' },
    { id: 'hk-q10', name: 'Quầy 10' },
    { id: 'hk-q2', name: 'Quầy 2' },
  ];
  const keys = (c: { id: string; name: string }) => [c.id, c.name];

  it('prefers an exact name or id over names that contain the text', () => {
    expect(matchByName(counters, 'quay 1', keys).map((c) => c.id)).toEqual(['hk-q1']);
    expect(matchByName(counters, 'HK-Q2', keys).map((c) => c.id)).toEqual(['hk-q2']);
  });

  it('falls back to names containing the text, diacritics-insensitive', () => {
    expect(matchByName(counters, 'Quầy', keys)).toHaveLength(3);
    expect(
      matchByName([{ id: 'phuong-hoan-kiem', name: 'Phường Hoàn Kiếm' }], 'Hoàn Kiếm', keys),
    ).toHaveLength(1);
    expect(matchByName(counters, 'Quầy 3', keys)).toEqual([]);
  });
});
