import { describe, expect, it } from 'vitest';
import type { StoredAlert } from '../storage/Storage.js';
import { ActiveAlerts } from './ActiveAlerts.js';

const alert = (id: number, departmentId: string, subject: string | null, openedAt = id): StoredAlert => ({
  id,
  rule: 'unsatisfied_rating',
  severity: 'warning',
  departmentId,
  counterId: null,
  counterIds: [],
  subject,
  details: {},
  conditionKey: `${departmentId}:${subject ?? id}`,
  state: 'open',
  openedAt,
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
  resolvedBy: null,
  resolutionNote: null,
});

describe('ActiveAlerts', () => {
  it('finds a department’s alerts and the newest stored one about a subject', () => {
    const active = new ActiveAlerts();
    const a = alert(1, 'd1', 't1');
    const b = alert(2, 'd2', 't1');
    const c = { ...alert(3, 'd1', 't1', 10), conditionKey: 'd1:other' };
    const unstored = { ...alert(0, 'd1', 't1', 20), conditionKey: 'd1:new' };
    for (const x of [a, b, c, unstored]) active.set(x.conditionKey, x);
    expect(active.about('d1', 't1')).toBe(c);
    expect(active.about('d2', 't1')).toBe(b);
    expect(active.about('d3', 't1')).toBeUndefined();
    expect(active.ofDepartment('d1').map(([key]) => key)).toEqual(['d1:t1', 'd1:other', 'd1:new']);

    active.delete('d1:other');
    expect(active.about('d1', 't1')).toBe(a);
    expect(active.has('d1:other')).toBe(false);
    // Deleting while walking a department's copy is safe.
    for (const [key] of active.ofDepartment('d1')) active.delete(key);
    expect(active.ofDepartment('d1')).toEqual([]);
    expect([...active.values()]).toEqual([b]);
    active.clear();
    expect(active.get(b.conditionKey)).toBeUndefined();
    expect(active.ofDepartment('d2')).toEqual([]);
  });
});
