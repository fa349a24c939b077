import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { eventually, launchChromium, login, mediaStats } from '../support/browser.js';
import { loginCookie } from '../support/http.js';
import { overview } from '../support/queue.js';
import { testStack } from '../support/stack.js';

const COUNTERS = 150;

/** Frames shown so far by each listed tile's video (the screen's own count; -1 without a picture). */
function framesShown(page: Page, ids: string[]): Promise<number[]> {
  return page.evaluate(
    (list) =>
      list.map((id) => {
        const video = document.querySelector<HTMLVideoElement>(`.tile[data-counter-id="${id}"] video`);
        return video?.srcObject ? video.getVideoPlaybackQuality().totalVideoFrames : -1;
      }),
    ids,
  );
}

/**
 * Waits until every listed tile shows new frames over one 2 s window (a
 * counter that republished meanwhile starts again, so the window may repeat).
 */
async function expectTilesPlaying(page: Page, ids: string[]): Promise<void> {
  await eventually(
    `frames on ${ids.length} tiles`,
    async () => {
      const before = await framesShown(page, ids);
      await new Promise((r) => setTimeout(r, 2_000));
      const after = await framesShown(page, ids);
      const stalled = ids.filter((_, i) => (before[i] ?? -1) < 0 || (after[i] ?? 0) - (before[i] ?? 0) < 3);
      return stalled.length === 0 ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 500 },
  );
}

/** Ids of the wall's tiles inside the viewport, and of those mounted but below it. */
function tilesByVisibility(page: Page): Promise<{ inView: string[]; below: string[] }> {
  return page.evaluate(() => {
    const inView: string[] = [];
    const below: string[] = [];
    for (const tile of Array.from(document.querySelectorAll<HTMLElement>('.wall .tile[data-counter-id]'))) {
      const rect = tile.getBoundingClientRect();
      const id = tile.dataset.counterId ?? '';
      if (rect.top >= window.innerHeight) below.push(id);
      else if (rect.bottom > 0) inView.push(id);
    }
    return { inView, below };
  });
}

/**
 * A province on one wall, with real processes: the server, 150 counters
 * published by the load publisher (one encoder; each counter its own hello,
 * token, SRTP producers), and the console in Chromium. Kept light for CI's
 * two cores: one stack, one page, the tiles on screen only.
 */
describe('a province on one wall', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let cookie: string;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('province', {
      province: COUNTERS,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    await stack.startLoadPublisher(stack.provisioned.counters.map((c) => c.id));
    const password = stack.createUser('director', ['director']);
    cookie = await loginCookie(stack.url, 'director', password);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    // 150 counters' snapshot on a loaded CI machine: more than the helper's 30 s may pass before "connected".
    await login(page, stack.url, 'director', password).catch(() =>
      page.waitForSelector('.app-header [data-connection="connected"]', { timeout: 90_000 }),
    );
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('fills the screen with the first page of tiles; they decode, and no other counter is consumed', async () => {
    await page.locator('.wall-grid .tile').first().waitFor();
    // The counters come online one after another (eight hellos at a time): the page's first.
    await eventually(
      'the tiles on screen online',
      async () => {
        const statuses = await page
          .locator('.wall-grid .tile')
          .evaluateAll((tiles) => tiles.map((t) => t.getAttribute('data-status')));
        return statuses.length > 0 && statuses.every((st) => st === 'online') ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    const pages = Number(await page.locator('.wall-grid').getAttribute('data-pages'));
    expect(pages).toBeGreaterThan(1);
    const { inView } = await tilesByVisibility(page);
    expect(inView.length).toBeGreaterThan(4);
    expect(inView.length).toBeLessThan(COUNTERS);
    await expectTilesPlaying(page, inView);
    const consumed = new Set((await mediaStats(page)).map((r) => r.counterId));
    for (const id of consumed) expect(inView).toContain(id);
  });

  it('in the scrolling layout, tiles below the screen are paused and folded departments have none', async () => {
    const departments = stack.provisioned.departments.map((d) => d.id);
    // Every department folded but the first two (14 counters): a long page without 150 consumers.
    await page.evaluate((folded) => {
      localStorage.setItem('cw.wallCollapsed', JSON.stringify(folded));
      localStorage.setItem('cw.wallLayout', 'size');
    }, departments.slice(2));
    await page.reload();
    await page.locator('.wall-flow .tile').first().waitFor({ timeout: 90_000 });
    const firstTwo = stack.provisioned.departments.slice(0, 2).flatMap((d) => d.counters.map((c) => c.id));
    expect(await page.locator('.wall .tile').count()).toBe(firstTwo.length);
    const { inView, below } = await tilesByVisibility(page);
    expect(below.length).toBeGreaterThan(0);
    await expectTilesPlaying(page, inView);
    await eventually('tiles below the screen paused', async () => {
      const rows = await mediaStats(page);
      return below.every((id) => rows.find((r) => r.counterId === id && r.track === 'grid')?.paused !== false)
        ? true
        : undefined;
    });

    // Unfolding a department brings its tiles (and only then their consumers).
    const third = stack.provisioned.departments[2]!;
    await page.locator(`.department-header[data-department-id="${third.id}"] .department-fold`).click();
    await page.locator(`.tile[data-counter-id="${third.counters[0]!.id}"]`).waitFor();
    expect(await page.locator('.wall .tile').count()).toBe(firstTwo.length + third.counters.length);
  });

  it('every counter comes online through the load publisher, each its own producers', async () => {
    await eventually(
      `${COUNTERS} counters online`,
      async () => {
        const o = await overview(stack.url, cookie);
        const online = o.departments.flatMap((d) => d.counters).filter((c) => c.status === 'online');
        return online.length === COUNTERS ? true : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
  });

  it('"go to counter" finds a commune station by name and opens its focus view', async () => {
    const station = stack.provisioned.departments.at(-1)!;
    const counter = station.counters[0]!;
    await page.locator('.wall-toolbar').waitFor();
    await page.keyboard.press('/');
    const search = page.locator('.goto-dialog .goto-input');
    await search.fill(station.name.replace('Công an ', '').toLowerCase());
    await page.locator(`#goto-results [data-counter-id="${counter.id}"]`).waitFor();
    await page.keyboard.press('Enter');
    await page.locator(`.focus-view[data-counter-id="${counter.id}"]`).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.focus-view').waitFor({ state: 'detached' });
  });
});
