import { describe, expect, it } from 'vitest';
import { matchCounters } from './GoToCounter';

const counters = [
  { id: 'pc06-qlhc-q1', name: 'Quầy 1 — Căn cước', department: 'Phòng Cảnh sát QLHC về TTXH (PC06)' },
  { id: 'xa-tan-thanh-q2', name: 'Quầy 2 — Cư trú', department: 'Công an xã Tân Thạnh' },
  { id: 'phuong-hoa-loi-q1', name: 'Quầy 1 — Căn cước', department: 'Công an phường Hòa Lợi' },
];

describe('go to counter', () => {
  it('matches every word in the counter or department name, accents and case ignored', () => {
    expect(matchCounters(counters, 'tan thanh')).toEqual(['xa-tan-thanh-q2']);
    expect(matchCounters(counters, 'CĂN CƯỚC hoa')).toEqual(['phuong-hoa-loi-q1']);
    expect(matchCounters(counters, 'quay 1')).toEqual(['pc06-qlhc-q1', 'phuong-hoa-loi-q1']);
    expect(matchCounters(counters, 'pc06')).toEqual(['pc06-qlhc-q1']);
    expect(matchCounters(counters, 'khong co')).toEqual([]);
  });

  it('offers at most twelve', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ id: `c${i}`, name: `Quầy ${i}`, department: 'X' }));
    expect(matchCounters(many, 'quay')).toHaveLength(12);
  });
});

describe('short department names on tiles', () => {
  it('keeps the code of a provincial department, drops "Công an" of a station', async () => {
    const { shortDepartmentName } = await import('./CounterTile');
    expect(shortDepartmentName('Phòng Quản lý xuất nhập cảnh (PA08)')).toBe('PA08');
    expect(shortDepartmentName('Công an xã Tân Thạnh')).toBe('xã Tân Thạnh');
    expect(shortDepartmentName('Công an phường Hoàn Kiếm')).toBe('phường Hoàn Kiếm');
    expect(shortDepartmentName('Trung tâm Phục vụ hành chính công tỉnh — quầy Công an')).toBe(
      'Trung tâm Phục vụ hành chính công tỉnh — quầy Công an',
    );
  });
});
