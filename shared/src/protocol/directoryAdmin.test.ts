import { describe, expect, it } from 'vitest';
import {
  CreateDepartmentSchema,
  UpdateCounterSchema,
  checkDirectoryCsv,
  type DirectoryKnown,
} from './directoryAdmin.js';

const NONE: DirectoryKnown = { departments: new Map(), counters: new Map() };
const row = (line: number, cells: Record<string, string>) => ({ line, cells });
const dept = (id: string, extra: Record<string, string> = {}) => ({
  kind: 'department',
  id,
  name: `Công an ${id}`,
  department: '',
  level: 'commune',
  services: 'id-card;passport',
  days: '1-6',
  open: '07:30',
  close: '17:00',
  ...extra,
});
const counter = (id: string, department: string, extra: Record<string, string> = {}) => ({
  kind: 'counter',
  id,
  name: `Quầy ${id}`,
  department,
  level: '',
  services: 'id-card',
  days: '',
  open: '',
  close: '',
  ...extra,
});

describe('checkDirectoryCsv', () => {
  it('turns good rows into departments and counters, a counter naming a department of the same file', () => {
    const { rows, errors } = checkDirectoryCsv(
      [
        row(2, dept('xa-a')),
        row(3, counter('xa-a-q1', 'xa-a')),
        row(4, dept('pc06', { level: 'provincial' })),
      ],
      NONE,
    );
    expect(errors).toEqual([]);
    expect(rows).toEqual([
      {
        kind: 'department',
        line: 2,
        department: {
          id: 'xa-a',
          name: 'Công an xa-a',
          level: 'commune',
          services: ['id-card', 'passport'],
          openingHours: { days: [1, 2, 3, 4, 5, 6], open: '07:30', close: '17:00' },
        },
      },
      {
        kind: 'counter',
        line: 3,
        counter: { id: 'xa-a-q1', departmentId: 'xa-a', name: 'Quầy xa-a-q1', services: ['id-card'] },
      },
      expect.objectContaining({ kind: 'department', line: 4 }),
    ]);
  });

  it('takes weekday lists, and the default hours when days/open/close are all empty', () => {
    const { rows } = checkDirectoryCsv(
      [
        row(2, dept('a', { days: '5;1;3', open: '08:00', close: '11:30' })),
        row(3, dept('b', { days: '', open: '', close: '' })),
      ],
      NONE,
    );
    const hours = rows.map((r) => (r.kind === 'department' ? r.department.openingHours : null));
    expect(hours).toEqual([
      { days: [1, 3, 5], open: '08:00', close: '11:30' },
      { days: [1, 2, 3, 4, 5, 6], open: '07:30', close: '17:00' },
    ]);
  });

  it('reports every bad row with its line, and then returns no rows at all', () => {
    const { rows, errors } = checkDirectoryCsv(
      [
        row(2, dept('good')),
        row(3, dept('Bad Id')),
        row(4, { ...dept('x'), kind: 'kiosk' }),
        row(5, dept('good')),
        row(6, counter('q1', 'nowhere')),
        row(7, dept('h', { open: '18:00', close: '08:00' })),
        row(8, counter('q2', 'good', { level: 'commune' })),
        row(9, dept('d', { days: '0-9' })),
        row(10, dept('lv', { level: 'district' })),
        row(11, counter('q3', 'good', { services: 'Not A Code' })),
      ],
      NONE,
    );
    expect(rows).toEqual([]);
    expect(errors.map((e) => e.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(errors.find((e) => e.line === 3)?.message).toMatch(/^id: /);
    expect(errors.find((e) => e.line === 4)?.message).toBe('kind: must be department or counter');
    expect(errors.find((e) => e.line === 5)?.message).toBe('id good: already on line 2');
    expect(errors.find((e) => e.line === 6)?.message).toMatch(/department nowhere: not in the directory/);
    expect(errors.find((e) => e.line === 7)?.message).toBe('open must be before close');
    expect(errors.find((e) => e.line === 8)?.message).toBe('level: leave empty on a counter row');
    expect(errors.find((e) => e.line === 9)?.message).toMatch(/^days: ISO weekdays/);
    expect(errors.find((e) => e.line === 10)?.message).toMatch(/^level: /);
  });

  it('refuses reusing a retired id, moving a counter, or adding to a retired department', () => {
    const known: DirectoryKnown = {
      departments: new Map([
        ['old', { retired: true }],
        ['live', { retired: false }],
      ]),
      counters: new Map([
        ['gone', { departmentId: 'live', retired: true }],
        ['q1', { departmentId: 'live', retired: false }],
      ]),
    };
    const { errors } = checkDirectoryCsv(
      [
        row(2, dept('old')),
        row(3, counter('gone', 'live')),
        row(4, counter('q1', 'other')),
        row(5, counter('q9', 'old')),
        row(6, counter('q5', 'live', { name: 'Quầy năm' })),
      ],
      known,
    );
    expect(errors).toEqual([
      { line: 2, message: "id old: a retired department's id is not reused" },
      { line: 3, message: "id gone: a retired counter's id is not reused" },
      { line: 4, message: 'id q1: belongs to live; a counter does not change department' },
      { line: 5, message: 'department old is retired' },
    ]);
  });

  it('refuses an empty file', () => {
    expect(checkDirectoryCsv([], NONE).errors).toEqual([{ line: 1, message: 'no rows after the header' }]);
  });
});

describe('directory request schemas', () => {
  it('defaults a new department to the usual hours and no services', () => {
    expect(CreateDepartmentSchema.parse({ id: 'xa-b', name: ' Xã B ', level: 'commune' })).toEqual({
      id: 'xa-b',
      name: 'Xã B',
      level: 'commune',
      openingHours: { days: [1, 2, 3, 4, 5, 6], open: '07:30', close: '17:00' },
      services: [],
    });
    expect(CreateDepartmentSchema.safeParse({ id: 'x', name: 'X', level: 'district' }).success).toBe(false);
  });

  it('refuses an empty change', () => {
    expect(UpdateCounterSchema.safeParse({}).success).toBe(false);
    expect(UpdateCounterSchema.parse({ name: 'Quầy 2' })).toEqual({ name: 'Quầy 2' });
  });
});
