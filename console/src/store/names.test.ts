import { describe, expect, it } from 'vitest';
import { counterOptions } from './names';

const counters = {
  'bd-q1': { name: 'Quầy 1', departmentId: 'bd' },
  'hk-q1': { name: 'Quầy 1', departmentId: 'hk' },
  'hk-q2': { name: 'Quầy 2', departmentId: 'hk' },
};
const departments = { bd: 'Công an phường Ba Đình', hk: 'Công an phường Hoàn Kiếm' };

describe('counterOptions', () => {
  it('names the department where counters of several departments share a list (no two "Quầy 1")', () => {
    const options = counterOptions(['bd-q1', 'hk-q1', 'hk-q2'], counters, departments);
    expect(options.map((o) => o.name)).toEqual([
      'Quầy 1 · Công an phường Ba Đình',
      'Quầy 1 · Công an phường Hoàn Kiếm',
      'Quầy 2 · Công an phường Hoàn Kiếm',
    ]);
    expect(new Set(options.map((o) => o.name)).size).toBe(options.length);
  });

  it("keeps the counters' own names within one department, and shows an unknown id as itself", () => {
    expect(counterOptions(['hk-q1', 'hk-q2', 'gone'], counters, departments)).toEqual([
      { id: 'hk-q1', name: 'Quầy 1' },
      { id: 'hk-q2', name: 'Quầy 2' },
      { id: 'gone', name: 'gone' },
    ]);
  });
});
