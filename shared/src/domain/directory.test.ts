import { describe, expect, it } from 'vitest';
import {
  ClockTimeSchema,
  CounterSchema,
  DEFAULT_OPENING_HOURS,
  DepartmentSchema,
  OpeningHoursSchema,
} from './directory.js';

describe('ClockTimeSchema', () => {
  it.each(['00:00', '07:30', '09:05', '12:00', '19:59', '23:59'])('accepts %s', (time) => {
    expect(ClockTimeSchema.safeParse(time).success).toBe(true);
  });

  it.each([
    '7:30',
    '07:3',
    '24:00',
    '23:60',
    '12:5',
    '1200',
    '12-00',
    '12:00:00',
    ' 12:00',
    '12:00 ',
    'ab:cd',
    '',
  ])('rejects %j', (time) => {
    const result = ClockTimeSchema.safeParse(time);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('must be HH:MM');
  });
});

describe('OpeningHoursSchema', () => {
  it('accepts the default opening hours', () => {
    expect(OpeningHoursSchema.parse(DEFAULT_OPENING_HOURS)).toEqual({
      days: [1, 2, 3, 4, 5, 6],
      open: '07:30',
      close: '17:00',
    });
  });

  it('accepts every ISO weekday and no days at all', () => {
    expect(
      OpeningHoursSchema.safeParse({ days: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '23:59' }).success,
    ).toBe(true);
    expect(OpeningHoursSchema.safeParse({ days: [], open: '08:00', close: '12:00' }).success).toBe(true);
  });

  it.each([
    ['day 0', { days: [0], open: '08:00', close: '12:00' }],
    ['day 8', { days: [8], open: '08:00', close: '12:00' }],
    ['a fractional day', { days: [1.5], open: '08:00', close: '12:00' }],
    ['more than 7 days', { days: [1, 2, 3, 4, 5, 6, 7, 1], open: '08:00', close: '12:00' }],
    ['a bad open time', { days: [1], open: '8:00', close: '12:00' }],
    ['a missing close', { days: [1], open: '08:00' }],
  ])('rejects %s', (_what, hours) => {
    expect(OpeningHoursSchema.safeParse(hours).success).toBe(false);
  });
});

describe('DepartmentSchema', () => {
  const valid = { id: 'hcm-q1', name: 'Công an Quận 1', openingHours: DEFAULT_OPENING_HOURS };

  it('accepts a department and trims its name', () => {
    expect(DepartmentSchema.parse({ ...valid, name: '  Công an Quận 1 ' }).name).toBe('Công an Quận 1');
  });

  it.each([
    ['a bad slug', { ...valid, id: 'HCM Q1' }],
    ['a control character in the name', { ...valid, name: 'Quận\u00071' }],
    ['no opening hours', { id: valid.id, name: valid.name }],
  ])('rejects %s', (_what, department) => {
    expect(DepartmentSchema.safeParse(department).success).toBe(false);
  });
});

describe('CounterSchema', () => {
  const valid = { id: 'c01', departmentId: 'hcm-q1', name: 'Quầy 1', services: ['id-card', 'passport'] };

  it('accepts a counter', () => {
    expect(CounterSchema.parse(valid)).toEqual(valid);
  });

  it('accepts up to 32 services and rejects 33', () => {
    const services = (n: number): string[] => Array.from({ length: n }, (_, i) => `s${i}`);
    expect(CounterSchema.safeParse({ ...valid, services: services(32) }).success).toBe(true);
    expect(CounterSchema.safeParse({ ...valid, services: services(33) }).success).toBe(false);
  });

  it.each([
    ['a bad counter id', { ...valid, id: 'c_01' }],
    ['a bad department id', { ...valid, departmentId: '-x' }],
    ['a bad service code', { ...valid, services: ['ID card'] }],
    ['a newline in the name', { ...valid, name: 'Quầy\n1' }],
    ['an empty name', { ...valid, name: ' ' }],
  ])('rejects %s', (_what, counter) => {
    expect(CounterSchema.safeParse(counter).success).toBe(false);
  });
});
