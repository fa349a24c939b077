import { describe, expect, it } from 'vitest';
import { clampTime, clipDuration, markers, playerCommand, stepSpeed, timeAtFraction } from './timeline';

const span = { from: 100_000, to: 400_000 }; // 300 s

describe('clipDuration', () => {
  it("prefers the video's duration and falls back to the span", () => {
    expect(clipDuration(287.5, span)).toBe(287.5);
    expect(clipDuration(Number.POSITIVE_INFINITY, span)).toBe(300);
    expect(clipDuration(Number.NaN, span)).toBe(300);
  });
});

describe('markers', () => {
  const interaction = {
    calledAt: 150_000,
    startedAt: 160_000,
    finishedAt: 340_000,
    flags: [
      { reason: 'manual' as const, note: 'x', by: 'tt', at: 200_000 },
      { reason: 'unsatisfied_rating' as const, note: null, by: null, at: 345_000 },
      { reason: 'complaint' as const, note: 'y', by: 'tt', at: 900_000 },
    ],
  };

  it('places called, started, finished and the rating at their seconds into the clip', () => {
    const list = markers(interaction, span, 300);
    expect(list.map((m) => [m.kind, m.offset])).toEqual([
      ['called', 50],
      ['started', 60],
      ['flag', 100],
      ['finished', 240],
      ['rating', 245],
    ]);
    expect(list.find((m) => m.kind === 'flag')?.reason).toBe('manual');
  });

  it('leaves out events that are not on the recording', () => {
    const list = markers({ ...interaction, calledAt: null, flags: [] }, span, 200);
    expect(list.map((m) => m.kind)).toEqual(['started']);
  });
});

describe('seeking', () => {
  it('clamps to the clip', () => {
    expect(clampTime(-3, 100)).toBe(0);
    expect(clampTime(130, 100)).toBe(100);
    expect(timeAtFraction(0.25, 200)).toBe(50);
    expect(timeAtFraction(1.2, 200)).toBe(200);
  });
});

describe('stepSpeed', () => {
  it('walks 0.5, 1, 1.5, 2, 4 and stops at the ends', () => {
    expect(stepSpeed(1, 1)).toBe(1.5);
    expect(stepSpeed(2, 1)).toBe(4);
    expect(stepSpeed(4, 1)).toBe(4);
    expect(stepSpeed(1, -1)).toBe(0.5);
    expect(stepSpeed(0.5, -1)).toBe(0.5);
    // A speed set elsewhere snaps onto the list.
    expect(stepSpeed(1.25, 1)).toBe(1.5);
    expect(stepSpeed(1.25, -1)).toBe(1);
  });
});

describe('playerCommand', () => {
  it('maps the documented keys', () => {
    expect(playerCommand({ key: ' ', shiftKey: false })).toEqual({ type: 'toggle' });
    expect(playerCommand({ key: 'ArrowLeft', shiftKey: false })).toEqual({ type: 'seekBy', seconds: -5 });
    expect(playerCommand({ key: 'ArrowRight', shiftKey: true })).toEqual({ type: 'seekBy', seconds: 1 });
    expect(playerCommand({ key: '[', shiftKey: false })).toEqual({ type: 'speed', direction: -1 });
    expect(playerCommand({ key: ']', shiftKey: false })).toEqual({ type: 'speed', direction: 1 });
    expect(playerCommand({ key: 'Home', shiftKey: false })).toEqual({ type: 'seekTo', where: 'start' });
    expect(playerCommand({ key: 'End', shiftKey: false })).toEqual({ type: 'seekTo', where: 'end' });
    expect(playerCommand({ key: 'a', shiftKey: false })).toBeNull();
  });
});
