import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { launchChromium, login } from '../support/browser.js';
import { readClockFrames } from '../support/clockBars.js';
import { testStack } from '../support/stack.js';

/**
 * The clock picture keeps bench:glass honest: an agent publishing `--video
 * clock` through its GStreamer publisher, the SFU, and the console in
 * Chromium reading the capture time off every frame it shows.
 */
describe('the clock picture (glass-to-glass measurement)', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('clockpic', { departments: 1, countersPerDepartment: 1 }));
    const password = stack.createUser('director', ['director']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await login(page, stack.url, 'director', password);
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('carries its capture time to the screen, frame after frame, in the wall tile and the focus view', async () => {
    const counter = stack.provisioned.counters[0]!;
    // Real time, as the picture (the browser and the publisher run on this machine's clock, not the stack's).
    const started = Date.now();
    await stack.startAgent(counter.id, ['--publisher', 'gstreamer', '--video', 'clock', '--audio', 'none']);
    await page
      .locator(`.tile[data-counter-id="${counter.id}"][data-status="online"]`)
      .waitFor({ timeout: 30_000 });
    const tileVideo = `.tile[data-counter-id="${counter.id}"] video`;
    await page.waitForFunction(
      (s) => (document.querySelector<HTMLVideoElement>(s)?.videoWidth ?? 0) > 0,
      tileVideo,
      {
        timeout: 30_000,
      },
    );
    await page.locator(`.tile[data-counter-id="${counter.id}"]`).click();
    const focusVideo = `.focus-view[data-counter-id="${counter.id}"] .focus-picture video[data-track="focus"]`;
    await page.waitForFunction(
      (s) => (document.querySelector<HTMLVideoElement>(s)?.videoWidth ?? 0) > 0,
      focusVideo,
      {
        timeout: 30_000,
      },
    );

    for (const [selector, width] of [
      [focusVideo, 640],
      [tileVideo, 320],
    ] as const) {
      const frames = await readClockFrames(page, selector, 30);
      expect(frames.every((f) => f.width === width)).toBe(true);
      const read = frames.filter((f) => f.capturedAt !== null);
      // A frame whose bars an encoder blurred fails the check and is counted apart, never misread.
      expect(read.length).toBeGreaterThanOrEqual(25);
      const times = read.map((f) => f.capturedAt!);
      // Each a moment after the publisher started, never after the screen showed it, in order.
      for (const f of read) {
        expect(f.capturedAt!).toBeGreaterThanOrEqual(started);
        expect(f.capturedAt!).toBeLessThanOrEqual(f.displayedAt);
      }
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      expect(new Set(times).size).toBeGreaterThan(20);
    }
  });
});
