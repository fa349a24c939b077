import { describe, expect, it } from 'vitest';
import { SourceClocks } from './SourceClocks.js';

const T = 1_800_000_000_000;

describe('SourceClocks', () => {
  it('corrects a source whose clock runs ahead: its events arrive "before they happened"', () => {
    const clocks = new SourceClocks();
    // Kiosk clock 2 minutes fast; network delay 50–400 ms.
    clocks.observe('kiosk', T + 120_000, T + 50);
    clocks.observe('kiosk', T + 130_000, T + 10_400);
    expect(clocks.offset('kiosk')).toBe(-119_950);
    expect(clocks.observe('kiosk', T + 200_000, T + 80_100)).toBe(T + 200_000 - 119_950);
  });

  it('does not mistake late deliveries (an outbox, batches every few minutes) for a slow clock', () => {
    const clocks = new SourceClocks();
    for (let i = 0; i < 30; i++) clocks.observe('agent', T + i * 60_000, T + 2 * 3_600_000);
    clocks.observe('qs', T, T + 9 * 60_000);
    expect(clocks.offset('agent')).toBe(0);
    expect(clocks.offset('qs')).toBe(0);
    expect(clocks.observe('qs', T + 100, T + 9 * 60_000)).toBe(T + 100);
  });

  it('uses the offset a sender declares (sentAt), for clocks behind as well as ahead', () => {
    const clocks = new SourceClocks();
    // The queue system's clock is 3 minutes slow; its batch carries old and new events alike.
    const offset = 180_000;
    expect(clocks.observe('qs', T - 600_000, T + 400, offset)).toBe(T - 600_000 + offset);
    expect(clocks.observe('qs', T - 180_000, T + 400, offset)).toBe(T);
    // Later batches without a declaration keep the last declared offset.
    expect(clocks.observe('qs', T, T + 60_000)).toBe(T + offset);
  });

  it('leaves well-set clocks alone and keeps sources apart', () => {
    const clocks = new SourceClocks();
    expect(clocks.observe('panel', T, T + 300)).toBe(T);
    expect(clocks.observe('a', T + 60_000, T)).toBe(T);
    expect(clocks.observe('b', T - 60_000, T, 400)).toBe(T - 60_000);
    expect(clocks.offset('a')).toBe(-60_000);
    expect(clocks.offset('b')).toBe(0);
  });
});
