import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { MAX_WALL_VIEWS, WallViewListSchema, WallViewResponseSchema } from '@counterwatch/shared';
import type { Stack } from '@counterwatch/demo';
import { eventually, expectDecoding, launchChromium, login } from '../support/browser.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { testStack } from '../support/stack.js';

/**
 * The director's wall as they arrange it: a saved view (layout, order,
 * counters) that comes back after a reload, a tour between views, full
 * screen, and the second screen showing a view with its tour and no chrome.
 * Views are each user's own, checked on the server.
 */
describe('saved wall views, the tour, full screen and the second screen', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let A: Stack['provisioned']['departments'][number];
  let B: Stack['provisioned']['departments'][number];
  let director: string;
  let inspector: string;
  const passwords: Record<string, string> = {};

  const tilesShown = (p: Page): Promise<string[]> =>
    p
      .locator('.wall .tile[data-counter-id]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-counter-id') ?? ''));

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('wall-views', { departments: 2, countersPerDepartment: 2 }));
    [A, B] = stack.provisioned.departments as [typeof A, typeof B];
    passwords.director = stack.createUser('director', ['director']);
    passwords.inspector = stack.createUser('inspector', ['inspector']);
    director = await loginCookie(stack.url, 'director', passwords.director);
    inspector = await loginCookie(stack.url, 'inspector', passwords.inspector);
    await stack.startAgent(A.counters[0]!.id);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1600, height: 900 } })).newPage();
    await login(page, stack.url, 'director', passwords.director);
    await page.locator('.wall .tile').first().waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('a view saved with its layout, order and counters is on the server and comes back after a reload', async () => {
    expect((await tilesShown(page)).sort()).toHaveLength(4);
    await page.selectOption('[data-control="layout"]', '2');
    await page.selectOption('[data-control="sort"]', 'worst');
    // Leave out department B's second counter.
    await page.locator('[data-control="counters"]').click();
    await page.locator(`.wall-chooser input[data-counter-id="${B.counters[1]!.id}"]`).uncheck();
    await eventually('three tiles', async () => ((await tilesShown(page)).length === 3 ? true : undefined));
    await page.fill('[data-control="view-name"]', 'Sảnh chính');
    await page.click('[data-action="save-view"]');

    const saved = await eventually('the view on the server', async () => {
      const res = await getJson(stack.url, '/api/v1/wall-views', director);
      return WallViewListSchema.parse(res.body).views.find((v) => v.name === 'Sảnh chính');
    });
    expect(saved).toMatchObject({ layout: '2', sort: 'worst' });
    expect(saved.counterIds?.slice().sort()).toEqual(
      [A.counters[0]!.id, A.counters[1]!.id, B.counters[0]!.id].sort(),
    );

    await page.reload();
    await eventually('the view applied again', async () =>
      (await page.locator('[data-control="view"]').inputValue()) === String(saved.id) ? true : undefined,
    );
    expect(await page.locator('[data-control="layout"]').inputValue()).toBe('2');
    expect(await page.locator('[data-control="sort"]').inputValue()).toBe('worst');
    await eventually('its three tiles', async () =>
      (await tilesShown(page)).length === 3 ? true : undefined,
    );
    expect(await tilesShown(page)).not.toContain(B.counters[1]!.id);
  });

  it("views are each user's own: another user neither sees nor changes them; bad or too many are refused", async () => {
    const mine = WallViewListSchema.parse(
      (await getJson(stack.url, '/api/v1/wall-views', director)).body,
    ).views;
    const id = mine[0]!.id;
    expect(
      WallViewListSchema.parse((await getJson(stack.url, '/api/v1/wall-views', inspector)).body).views,
    ).toEqual([]);
    const body = JSON.stringify({ name: 'Của tôi', layout: 'auto', sort: 'department', counterIds: null });
    expect(
      (await send(stack.url, 'PUT', `/api/v1/wall-views/${id}`, body, { cookie: inspector })).status,
    ).toBe(404);
    expect(
      (await send(stack.url, 'DELETE', `/api/v1/wall-views/${id}`, undefined, { cookie: inspector })).status,
    ).toBe(404);
    for (const bad of [
      { name: '', layout: 'auto', sort: 'department', counterIds: null },
      { name: 'x', layout: '9', sort: 'department', counterIds: null },
      { name: 'x', layout: 'auto', sort: 'department', counterIds: ['no-such-counter'] },
      { name: 'x', layout: 'auto', sort: 'department', counterIds: null, owner: 1 },
    ]) {
      const res = await send(stack.url, 'POST', '/api/v1/wall-views', JSON.stringify(bad), {
        cookie: inspector,
      });
      expect(res.status, JSON.stringify(bad)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(bad)).toBeLessThan(500);
    }
    // At most MAX_WALL_VIEWS each, also when asked for all at once.
    const attempts = await Promise.all(
      Array.from({ length: MAX_WALL_VIEWS + 5 }, (_, i) =>
        send(
          stack.url,
          'POST',
          '/api/v1/wall-views',
          JSON.stringify({ name: `Xem ${i}`, layout: 'auto', sort: 'department', counterIds: null }),
          { cookie: inspector },
        ),
      ),
    );
    expect(attempts.filter((r) => r.status === 201)).toHaveLength(MAX_WALL_VIEWS);
    expect(attempts.filter((r) => r.status !== 201).every((r) => r.status >= 400 && r.status < 500)).toBe(
      true,
    );
    const theirs = WallViewListSchema.parse(
      (await getJson(stack.url, '/api/v1/wall-views', inspector)).body,
    ).views;
    expect(theirs).toHaveLength(MAX_WALL_VIEWS);
    // The director's own are untouched.
    expect(
      WallViewListSchema.parse((await getJson(stack.url, '/api/v1/wall-views', director)).body).views,
    ).toEqual(mine);
  });

  it('the tour moves between saved views by itself', async () => {
    // A second view: department A only, 3×3.
    const res = await send(
      stack.url,
      'POST',
      '/api/v1/wall-views',
      JSON.stringify({
        name: 'Phòng A',
        layout: '3',
        sort: 'department',
        counterIds: A.counters.map((c) => c.id),
      }),
      { cookie: director },
    );
    expect(res.status).toBe(201);
    const second = WallViewResponseSchema.parse(res.body).view;
    await page.reload();
    await page.locator('.wall .tile').first().waitFor();
    const first = await page.locator('[data-control="view"]').inputValue();
    await page.fill('[data-control="tour-seconds"]', '5');
    await page.check('[data-control="tour"]');
    const seen = new Set<string>([first]);
    await eventually(
      'the tour showed both views',
      async () => {
        seen.add(await page.locator('[data-control="view"]').inputValue());
        return seen.has(String(second.id)) && seen.size >= 2 ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
    // While "Phòng A" is on, only its counters are on the wall.
    await eventually(
      'Phòng A on the wall',
      async () => {
        if ((await page.locator('[data-control="view"]').inputValue()) !== String(second.id))
          return undefined;
        const tiles = await tilesShown(page);
        return tiles.length === 2 && tiles.every((id) => A.counters.some((c) => c.id === id))
          ? true
          : undefined;
      },
      { timeoutMs: 30_000 },
    );
    await page.uncheck('[data-control="tour"]');
  });

  it('full screen, and the second screen: the chosen view with its tour, tiles only, live', async () => {
    await page.click('[data-action="fullscreen"]');
    await eventually('full screen', async () =>
      (await page.evaluate(() => document.fullscreenElement !== null)) ? true : undefined,
    );
    await page.click('[data-action="fullscreen"]');
    await eventually('out of full screen', async () =>
      (await page.evaluate(() => document.fullscreenElement === null)) ? true : undefined,
    );

    const views = WallViewListSchema.parse(
      (await getJson(stack.url, '/api/v1/wall-views', director)).body,
    ).views;
    const main = views.find((v) => v.name === 'Sảnh chính')!;
    await page.selectOption('[data-control="view"]', String(main.id));
    await page.fill('[data-control="tour-seconds"]', '30');
    await page.check('[data-control="tour"]');
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      page.click('[data-action="second-screen"]'),
    ]);
    await page.uncheck('[data-control="tour"]');
    await popup.waitForLoadState();
    const url = new URL(popup.url());
    expect(url.searchParams.get('screen')).toBe('wall');
    expect(url.searchParams.get('view')).toBe(String(main.id));
    expect(url.searchParams.get('tour')).toBe('30');
    // Tiles only: no header, no toolbar; the view's counters, decoding live.
    await popup.locator('.wall .tile').first().waitFor();
    expect(await popup.evaluate(() => document.documentElement.dataset.videoWall)).toBe('true');
    expect(await popup.locator('.app-header').isVisible()).toBe(false);
    expect(await popup.locator('.wall-toolbar').isVisible()).toBe(false);
    await eventually('the view on the second screen', async () => {
      const tiles = await tilesShown(popup);
      return tiles.length === 3 && !tiles.includes(B.counters[1]!.id) ? true : undefined;
    });
    const increases = await expectDecoding(popup, [A.counters[0]!.id], 'grid');
    expect(increases.get(A.counters[0]!.id)).toBeGreaterThan(0);
    await popup.close();
  });
});
