import { describe, expect, it } from 'vitest';
import { SourceClocks } from './SourceClocks.js';

const T = 1_800_000_000_000;

describe('SourceClocks', () => {
  it('corrects a source whose clock runs ahead by the smallest delay seen', () => {
    const clocks = new SourceClocks();
    // Kiosk clock 2 minutes fast; network delay 50–400 ms.
    clocks.observe('kiosk', T + 120_000, T + 50);
    clocks.observe('kiosk', T + 130_000, T + 10_400);
    const corrected = clocks.observe('kiosk', T + 200_000, T + 80_100);
    expect(corrected).toBeCloseTo(T + 200_000 - 119_950, -1);
    expect(clocks.offset('kiosk')).toBe(-119_950);
  });

  it('leaves a well-set clock alone (sub-second delays are transport, not skew)', () => {
    const clocks = new SourceClocks();
    expect(clocks.observe('panel', T, T + 300)).toBe(T);
    expect(clocks.offset('panel')).toBe(0);
  });

  it('does not mistake late deliveries (an outbox after an outage) for skew', () => {
    const clocks = new SourceClocks();
    clocks.observe('agent', T, T + 20);
    // Two hours offline, then the backlog arrives.
    for (let i = 0; i < 30; i++) clocks.observe('agent', T + i * 60_000, T + 2 * 3_600_000);
    expect(clocks.offset('agent')).toBe(0);
    expect(clocks.observe('agent', T + 100, T + 2 * 3_600_000)).toBe(T + 100);
  });

  it('keeps sources apart', () => {
    const clocks = new SourceClocks();
    clocks.observe('a', T + 60_000, T);
    clocks.observe('b', T - 60_000, T);
    expect(clocks.offset('a')).toBe(-60_000);
    expect(clocks.offset('b')).toBe(60_000);
  });
});
