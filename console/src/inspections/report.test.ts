import { describe, expect, it } from 'vitest';
import { DEFAULT_CHECKLIST } from '@counterwatch/shared';
import { completeResults, summarise } from './report';

describe('summarise', () => {
  it('keeps the checklist order and counts each result', () => {
    const summary = summarise({
      checklist: DEFAULT_CHECKLIST,
      results: { greeting: 'pass', uniform: 'fail', guidance: 'not_observed' },
      startedAt: 1_000,
      endedAt: 61_000,
    });
    expect(summary.rows.map((r) => r.item.id)).toEqual(DEFAULT_CHECKLIST.map((i) => i.id));
    expect(summary.rows[1]?.result).toBe('fail');
    expect(summary.counts).toEqual({ pass: 1, fail: 1, not_observed: 1, unanswered: 3 });
    expect(summary.durationMs).toBe(60_000);
  });

  it('has no duration while the inspection runs', () => {
    expect(summarise({ checklist: [], results: {}, startedAt: 5, endedAt: null }).durationMs).toBeNull();
  });
});

describe('completeResults', () => {
  it('records unanswered items as not observed and drops answers for items not on the list', () => {
    expect(completeResults(['a', 'b'], { a: 'fail', z: 'pass' })).toEqual({ a: 'fail', b: 'not_observed' });
  });
});
