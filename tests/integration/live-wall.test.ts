import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { eventually, expectDecoding, launchChromium, login, mediaStats } from '../support/browser.js';
import { testStack } from '../support/stack.js';

/**
 * The live path end to end with real processes: server (mediasoup), three
 * ffmpeg agents with test sources, and the console in Chromium.
 */
describe('live wall', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let counterIds: string[];
  /** Errors the browser logged from the first load through login (a 401 before login was one). */
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('live', { departments: 1, countersPerDepartment: 3 }));
    counterIds = stack.provisioned.counters.map((c) => c.id);
    await stack.startAgents();
    const password = stack.createUser('director', ['director']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    // Every breach of the page's own Content-Security-Policy, from the first script on.
    await page.addInitScript(() => {
      const seen: string[] = [];
      Object.assign(window, { cspViolations: seen });
      document.addEventListener('securitypolicyviolation', (e) =>
        seen.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`),
      );
    });
    await login(page, stack.url, 'director', password);
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('renders a tile per counter and every tile keeps decoding frames', async () => {
    await page.locator('.tile').nth(2).waitFor();
    expect(await page.locator('.tile').count()).toBe(3);
    const increases = await expectDecoding(page, counterIds, 'grid');
    for (const id of counterIds) expect(increases.get(id), id).toBeGreaterThan(10);
  });

  it('loading the page and logging in logs no error in the browser', () => {
    expect(consoleErrors).toEqual([]);
  });

  it('the page keeps to its own Content-Security-Policy (no code compiled at run time)', async () => {
    await page.reload();
    await page.locator('.tile').nth(2).waitFor();
    expect(
      await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations),
    ).toEqual([]);
  });

  it('shows every counter online with live stats', async () => {
    for (const id of counterIds) {
      await page.locator(`.tile[data-counter-id="${id}"][data-status="online"]`).waitFor({ timeout: 15_000 });
    }
    const stats = await eventually('bitrate on all counters', async () => {
      const state = await page.evaluate(() =>
        (
          window as unknown as {
            counterwatch: {
              state: () => { counters: Record<string, { media: { stats: { bitrateKbps: number } | null } }> };
            };
          }
        ).counterwatch.state(),
      );
      const rates = Object.values(state.counters).map((c) => c.media.stats?.bitrateKbps ?? 0);
      return rates.every((r) => r > 50) ? rates : undefined;
    });
    expect(stats).toHaveLength(3);
  });

  it('focus view plays the full rendition and, when asked, the sound', async () => {
    const id = counterIds[0]!;
    await page.locator(`.tile[data-counter-id="${id}"]`).click();
    // A picture at once: until the full rendition's first frame, the grid rendition (already decoding on the wall)
    // stands in, scaled up — the view is never black while the full rendition waits for its keyframe.
    const firstLook = await page.locator('.focus-view .focus-picture').evaluate((el) => {
      const standIn = el.querySelector<HTMLVideoElement>('video[data-track="grid"]');
      return { showing: el.getAttribute('data-showing'), standInWidth: standIn?.videoWidth ?? 0 };
    });
    if (firstLook.showing === 'grid') expect(firstLook.standInWidth).toBeGreaterThan(0);
    await page.locator('.focus-view video[data-track="focus"]').waitFor();
    const focusFrames = await expectDecoding(page, [id], 'focus');
    expect(focusFrames.get(id)).toBeGreaterThan(10);
    // Then the full rendition alone.
    await page.locator('.focus-view .focus-picture[data-showing="focus"]').waitFor();
    expect(await page.locator('.focus-view .focus-picture video[data-track="grid"]').count()).toBe(0);

    // No audio until the user asks for it.
    expect((await mediaStats(page)).some((r) => r.track === 'audio')).toBe(false);
    await page.getByRole('button', { name: /Nghe âm thanh|Listen/ }).click();
    const first = await eventually('audio packets', async () => {
      const row = (await mediaStats(page)).find((r) => r.counterId === id && r.track === 'audio');
      return row && row.packetsReceived > 0 ? row.packetsReceived : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_500));
    const later = (await mediaStats(page)).find((r) => r.counterId === id && r.track === 'audio');
    expect(later!.packetsReceived).toBeGreaterThan(first + 20);

    await page.keyboard.press('Escape');
    await page.locator('.focus-view').waitFor({ state: 'detached' });
    // Leaving the focus view stops its consumers.
    await eventually('focus and audio consumers closed', async () => {
      const rows = await mediaStats(page);
      return rows.some((r) => r.track !== 'grid') ? undefined : true;
    });
  });

  it('moves between tiles with the arrow keys and opens one with Enter', async () => {
    await page.locator(`.tile[data-counter-id="${counterIds[0]!}"]`).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-counter-id'))).toBe(
      counterIds[1],
    );
    await page.keyboard.press('Enter');
    await page.locator(`.focus-view[data-counter-id="${counterIds[1]!}"]`).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.focus-view').waitFor({ state: 'detached' });
    // Focus returns to the tile that was open.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-counter-id'))).toBe(
      counterIds[1],
    );
  });

  it('pauses consumers of tiles that are not visible', async () => {
    // The scrolling layout (tiles at their size): the screen-filling ones page instead of scrolling.
    await page.locator('[data-control="layout"]').selectOption('size');
    await page.setViewportSize({ width: 400, height: 600 });
    // A phone-sized window: the wall's toolbar wraps into several lines, the first tile is on screen, the last
    // below it. (At 300 px high the toolbar alone could fill the screen and leave no tile visible.)
    // Switching layout remounts the tiles (all briefly paused): wait for the settled state, the one on screen playing.
    await eventually('off-screen tiles paused, the visible one playing', async () => {
      const grid = (await mediaStats(page)).filter((x) => x.track === 'grid');
      return grid.some((x) => x.paused) && grid.some((x) => !x.paused) ? true : undefined;
    });
    await page.setViewportSize({ width: 1400, height: 900 });
    await eventually('all tiles resumed', async () => {
      const r = await mediaStats(page);
      return r.filter((x) => x.track === 'grid').every((x) => !x.paused) ? true : undefined;
    });
  });
});
