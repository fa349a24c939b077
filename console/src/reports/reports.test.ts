import { describe, expect, it } from 'vitest';
import { change, cssString, reportQuery, type ReportForm } from './reportQuery';

const form: ReportForm = {
  period: 'day',
  date: '2026-12-04',
  from: '',
  to: '',
  departmentId: '',
  targetMinutes: 15,
};

describe('report query', () => {
  it('asks for the period, the day and the target; custom asks for both days', () => {
    expect(reportQuery(form)).toBe('?period=day&date=2026-12-04&targetMinutes=15');
    expect(reportQuery({ ...form, period: 'week', departmentId: 'd1' })).toBe(
      '?period=week&date=2026-12-04&departmentId=d1&targetMinutes=15',
    );
    expect(reportQuery({ ...form, period: 'custom', from: '2026-12-01', to: '2026-12-03' })).toBe(
      '?period=custom&from=2026-12-01&to=2026-12-03&targetMinutes=15',
    );
  });
  it('asks nothing for an incomplete form', () => {
    expect(reportQuery({ ...form, date: '' })).toBe('?period=day&targetMinutes=15');
    expect(reportQuery({ ...form, date: '4/12/2026' })).toBeNull();
    expect(reportQuery({ ...form, period: 'custom', from: '2026-12-05', to: '2026-12-01' })).toBeNull();
    expect(reportQuery({ ...form, targetMinutes: 0 })).toBeNull();
  });
  it('changes and CSS strings', () => {
    expect(change(12, 10)).toBeCloseTo(0.2);
    expect(change(5, 0)).toBeNull();
    expect(change(null, 3)).toBeNull();
    expect(cssString('Phường "A"\\ </style>')).toBe('"Phường \\"A\\"\\\\ \\3c /style>"');
  });
});
