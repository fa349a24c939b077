import { describe, expect, it } from 'vitest';
import type { Inspection } from '@counterwatch/shared';
import { placeOf, renderReport, vietnameseDate, vietnameseTime } from './report.js';

// 2026-12-04 02:30 UTC = 09:30 in Vietnam; 2026-12-03 18:10 UTC = 01:10 on the 4th in Vietnam.
const AT = Date.UTC(2026, 11, 4, 2, 30);

const view = (overrides: Partial<Inspection> = {}): Inspection => ({
  id: 12,
  departmentId: 'phuong-hoan-kiem',
  counterId: 'q1',
  counterName: 'Quầy 1 — Căn cước',
  inspector: 'thanhtra',
  inspectorName: 'Nguyễn Thanh Tra',
  officer: { id: 3, displayName: 'Trần Văn Bình', badgeNumber: 'CA-1234' },
  officerName: 'Trần Văn Bình',
  startedAt: AT,
  endedAt: AT + 20 * 60_000,
  endedAutomatically: false,
  checklist: [
    { id: 'greeting', vi: 'Chào hỏi', en: 'Greeting' },
    { id: 'uniform', vi: 'Trang phục', en: 'Uniform' },
  ],
  results: { greeting: 'pass', uniform: 'fail' },
  notes: 'Nhắc nhở <b>trang phục</b>',
  observations: [],
  ...overrides,
});

describe('inspection report', () => {
  it('writes dates and times in the Vietnamese official form, in Vietnam time', () => {
    expect(vietnameseDate(AT)).toBe('ngày 04 tháng 12 năm 2026');
    expect(vietnameseTime(AT)).toBe('09 giờ 30 phút');
    expect(vietnameseDate(Date.UTC(2026, 11, 3, 18, 10))).toBe('ngày 04 tháng 12 năm 2026');
  });

  it('takes the place from the unit name', () => {
    expect(placeOf('Công an phường Hoàn Kiếm')).toBe('Hoàn Kiếm');
    expect(placeOf('Công an xã Đông Anh')).toBe('Đông Anh');
    expect(placeOf('Trung tâm hành chính công')).toBe('Trung tâm hành chính công');
  });

  it('is an official document: national heading, unit, number, dateline, display names, signature blocks, page numbers', () => {
    const html = renderReport(view(), 'Công an phường Hoàn Kiếm', new Map(), 120 * 60_000, {
      draftSaves: 7,
      draftSavedAt: AT + 10 * 60_000,
    });
    expect(html).toContain('Cộng hòa xã hội chủ nghĩa Việt Nam');
    expect(html).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(html).toContain('<p class="unit-name" data-unit>Công an phường Hoàn Kiếm</p>');
    expect(html).toContain('Số: 12/BB-KTĐX');
    expect(html).toContain('Hoàn Kiếm, ngày 04 tháng 12 năm 2026');
    expect(html).toContain('Người kiểm tra: <strong data-inspector>Nguyễn Thanh Tra</strong>');
    expect(html).not.toContain('thanhtra');
    expect(html).toContain('Trần Văn Bình, số hiệu CA-1234');
    for (const role of ['Cán bộ trực quầy', 'Người kiểm tra', 'Thủ trưởng đơn vị'])
      expect(html).toContain(`<p class="role">${role}</p>`);
    expect(html).toMatch(/@bottom-center \{ content: "Trang " counter\(page\) "\/" counter\(pages\)/);
    expect(html).toContain('lưu tự động 7 lần');
    expect(html).toContain('kết thúc hồi 09 giờ 50 phút ngày 04 tháng 12 năm 2026');
    // Typed text is escaped.
    expect(html).toContain('Nhắc nhở &lt;b&gt;trang phục&lt;/b&gt;');
  });

  it('says who typed the officer name when no officer signed in, and marks a report of a running inspection', () => {
    const html = renderReport(
      view({ officer: null, officerName: 'Anh Bình', endedAt: null, results: {} }),
      'Công an phường Hoàn Kiếm',
      new Map(),
      120 * 60_000,
    );
    expect(html).toContain('Anh Bình (do người kiểm tra ghi)');
    expect(html).toContain('chưa kết thúc');
  });
});
