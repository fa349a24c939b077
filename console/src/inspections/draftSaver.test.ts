import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { InspectionDraft } from '@counterwatch/shared';
import { DraftSaver, type DraftSaveState } from './draftSaver';

const draft = (notes: string): InspectionDraft => ({ results: {}, notes, officerName: '' });

describe('DraftSaver', () => {
  let sent: { notes: string; keepalive: boolean }[];
  let states: DraftSaveState[];
  let answer: () => Promise<number>;

  const make = (refused = false) =>
    new DraftSaver(
      {
        save: (d, keepalive) => {
          sent.push({ notes: d.notes, keepalive });
          return answer();
        },
        onState: (state) => states.push(state),
        delayMs: 500,
        retryMs: 1_000,
        refused: () => refused,
      },
      null,
    );

  beforeEach(() => {
    vi.useFakeTimers();
    sent = [];
    states = [];
    answer = () => Promise.resolve(42);
  });
  afterEach(() => vi.useRealTimers());

  it('saves once typing pauses, the newest text only', async () => {
    const saver = make();
    saver.update(draft('a'));
    await vi.advanceTimersByTimeAsync(300);
    saver.update(draft('ab'));
    await vi.advanceTimersByTimeAsync(300);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(300);
    expect(sent).toEqual([{ notes: 'ab', keepalive: false }]);
    expect(states.at(-1)).toBe('saved');
    expect(saver.hasUnsaved).toBe(false);
  });

  it('sends one at a time, in order, and the change typed meanwhile after', async () => {
    let release: (v: number) => void = () => undefined;
    answer = () => new Promise((r) => (release = r));
    const saver = make();
    saver.update(draft('1'));
    await vi.advanceTimersByTimeAsync(500);
    saver.update(draft('12'));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(sent.map((s) => s.notes)).toEqual(['1']); // not two at once
    release(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.map((s) => s.notes)).toEqual(['1', '12']);
    release(2);
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)).toBe('saved');
  });

  it('tries a failed save again, unless a newer one replaced it or the server refused it', async () => {
    let fail = true;
    answer = () => (fail ? Promise.reject(new Error('offline')) : Promise.resolve(7));
    const saver = make();
    saver.update(draft('x'));
    await vi.advanceTimersByTimeAsync(500);
    expect(states.at(-1)).toBe('error');
    fail = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(sent.map((s) => s.notes)).toEqual(['x', 'x']);
    expect(states.at(-1)).toBe('saved');

    const refusing = make(true);
    answer = () => Promise.reject(new Error('ended'));
    refusing.update(draft('y'));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent.filter((s) => s.notes === 'y')).toHaveLength(1);
  });

  it('sends what is pending with keepalive when the page goes away', async () => {
    const saver = make();
    saver.update(draft('last words'));
    saver.flushOnExit();
    expect(sent).toEqual([{ notes: 'last words', keepalive: true }]);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sent).toHaveLength(1);
  });
});
