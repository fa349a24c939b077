import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { closeContext, eventually, launchChromium, login, within } from '../support/browser.js';
import { testStack } from '../support/stack.js';

/**
 * The console's URL follows what is shown — the page, its filters, the
 * focused counter — so the browser's Back, a reload and a shared link work.
 */
describe('console navigation', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let A: Stack['provisioned']['departments'][number];
  let B: Stack['provisioned']['departments'][number];
  let password: string;
  let adminPassword: string;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('navigation', { departments: 2, countersPerDepartment: 2 }));
    [A, B] = stack.provisioned.departments as [typeof A, typeof B];
    await stack.startAgent(A.counters[0]!.id);
    password = stack.createUser('director', ['director']);
    adminPassword = stack.createUser('quantri', ['admin']);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    await login(page, stack.url, 'director', password);
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  const url = (p: Page): URL => new URL(p.url());
  const departmentsShown = (p: Page): Promise<(string | null)[]> =>
    p
      .locator('.wall .department-header')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-department-id')));

  it('Back from the focus view returns to the wall, still logged in, with the same filter', async () => {
    const counterId = A.counters[0]!.id;
    await page.locator(`.tile[data-counter-id="${counterId}"]`).waitFor();
    expect(await departmentsShown(page)).toHaveLength(2);

    // The wall narrowed to department A: in the URL.
    await page.selectOption('select[name="wall-department"]', A.id);
    await eventually('the filter in the URL', async () =>
      url(page).searchParams.get('department') === A.id ? true : undefined,
    );
    expect(await departmentsShown(page)).toEqual([A.id]);

    await page.locator(`.tile[data-counter-id="${counterId}"]`).click();
    await page.locator(`.focus-view[data-counter-id="${counterId}"]`).waitFor();
    expect(url(page).pathname).toBe('/');
    expect(url(page).searchParams.get('counter')).toBe(counterId);
    expect(url(page).searchParams.get('department')).toBe(A.id);

    await page.goBack();
    await page.locator('.focus-view').waitFor({ state: 'detached' });
    expect(url(page).pathname).toBe('/');
    expect(url(page).searchParams.get('counter')).toBeNull();
    expect(url(page).searchParams.get('department')).toBe(A.id);
    await page.locator('.app-header [data-connection="connected"]').waitFor();
    expect(await departmentsShown(page)).toEqual([A.id]);
    expect(await page.locator('select[name="wall-department"]').inputValue()).toBe(A.id);

    // Forward opens it again.
    await page.goForward();
    await page.locator(`.focus-view[data-counter-id="${counterId}"]`).waitFor();
  });

  it('a reload on the focus URL shows the focus view, and its Back button returns to the wall', async () => {
    const counterId = A.counters[0]!.id;
    expect(url(page).searchParams.get('counter')).toBe(counterId);
    await page.reload();
    await page.locator(`.focus-view[data-counter-id="${counterId}"]`).waitFor();
    await page.locator('.app-header [data-connection="connected"]').waitFor();
    // The live picture, not only the frame: the counter's full rendition plays.
    await page.locator('.focus-view video[data-track="focus"]').waitFor({ timeout: 30_000 });

    await page.locator('.focus-view [data-action="back"]').click();
    await page.locator('.focus-view').waitFor({ state: 'detached' });
    await eventually('the wall URL', async () => (url(page).searchParams.has('counter') ? undefined : true));
    expect(url(page).searchParams.get('department')).toBe(A.id);
    expect(await departmentsShown(page)).toEqual([A.id]);
  });

  it('a shared link opens the counter; closing it shows the wall it belongs to', async () => {
    const other = await context.newPage();
    const counterId = B.counters[1]!.id;
    await other.goto(`${stack.url}/?counter=${encodeURIComponent(counterId)}`);
    await other.locator(`.focus-view[data-counter-id="${counterId}"]`).waitFor({ timeout: 30_000 });
    await other.keyboard.press('Escape');
    await other.locator('.focus-view').waitFor({ state: 'detached' });
    expect(url(other).search).toBe('');
    // The wall mounts when the focus view closes: its departments render a moment later.
    await other.locator('.wall .department-header').nth(1).waitFor();
    expect(await departmentsShown(other)).toHaveLength(2);

    // A counter that is not there (or not in scope) shows the wall.
    await other.goto(`${stack.url}/?counter=no-such-counter`);
    await other.locator('.tile').first().waitFor();
    await eventually('the unknown counter dropped from the URL', async () =>
      url(other).searchParams.has('counter') ? undefined : true,
    );
    expect(await other.locator('.focus-view').count()).toBe(0);
    await other.close();
  });

  /** A select's options for departments and counters exist once the directory has loaded: wait, do not read early. */
  const hasValue = (p: Page, selector: string, value: string): Promise<true> =>
    eventually(`${selector} = ${value}`, async () =>
      (await p.locator(selector).inputValue()) === value ? true : undefined,
    );

  it('filters in the URL are applied on load', async () => {
    await page.goto(`${stack.url}/?department=${B.id}`);
    await page.locator(`.tile[data-counter-id="${B.counters[0]!.id}"]`).waitFor();
    expect(await departmentsShown(page)).toEqual([B.id]);

    await page.goto(`${stack.url}/reviews?state=closed&department=${A.id}&counter=${A.counters[1]!.id}`);
    await page.locator('.reviews-page input[name="state"][value="closed"]:checked').waitFor();
    await hasValue(page, '.reviews-page select[name="department"]', A.id);
    await hasValue(page, '.reviews-page select[name="counter"]', A.counters[1]!.id);

    await page.goto(`${stack.url}/alerts?state=all&severity=critical`);
    await page.locator('.alerts-page input[name="state"][value="all"]:checked').waitFor();
    expect(await page.locator('.alerts-page select[name="severity"]').inputValue()).toBe('critical');

    // A value that is not a choice reads as the default, never an error.
    await page.goto(`${stack.url}/pressure?department=${B.id}&top=bogus`);
    await page.locator('.pressure-page').waitFor();
    await hasValue(page, '.pressure-page select[name="department"]', B.id);
    expect(await page.locator('.pressure-page select[name="top"]').inputValue()).toBe('20');
  });

  it('a filter changed on a page is in the URL, and Back from a counter opened there returns to it', async () => {
    await page.selectOption('.pressure-page select[name="top"]', '10');
    await eventually('top in the URL', async () =>
      url(page).searchParams.get('top') === '10' ? true : undefined,
    );
    const counterId = B.counters[0]!.id;
    await page.locator(`.pressure-page tr[data-counter-id="${counterId}"] [data-action="watch"]`).click();
    await page.locator(`.focus-view[data-counter-id="${counterId}"]`).waitFor();
    await page.goBack();
    await page.locator('.focus-view').waitFor({ state: 'detached' });
    expect(url(page).pathname).toBe('/');
    await page.goBack();
    await page.locator('.pressure-page').waitFor();
    expect(url(page).searchParams.get('department')).toBe(B.id);
    expect(await page.locator('.pressure-page select[name="top"]').inputValue()).toBe('10');
  });

  it('Back during an inspection asks first; "stay" keeps it on screen, "leave" returns to the wall', async () => {
    const counterId = A.counters[1]!.id;
    await page.goto(`${stack.url}/`);
    await page.locator(`[data-action="inspect"][data-counter-id="${counterId}"]`).click();
    await page.locator('[data-inspection-state="running"][data-inspection-id]').waitFor({ timeout: 30_000 });
    expect(url(page).searchParams.get('counter')).toBe(counterId);

    await page.goBack();
    await page.locator('[data-confirm="leave-inspection"]').waitFor();
    // Still the inspection's view and URL while the question is open.
    expect(await page.locator(`.focus-view[data-counter-id="${counterId}"]`).count()).toBe(1);
    expect(url(page).searchParams.get('counter')).toBe(counterId);
    await page.locator('[data-confirm="leave-inspection"] [data-action="stay"]').click();
    await page.locator('[data-confirm="leave-inspection"]').waitFor({ state: 'detached' });
    expect(await page.locator('[data-inspection-state="running"]').count()).toBe(1);

    await page.goBack();
    await page.locator('[data-confirm="leave-inspection"] [data-action="leave"]').click();
    await page.locator('.focus-view').waitFor({ state: 'detached' });
    await eventually('the wall URL', async () => (url(page).searchParams.has('counter') ? undefined : true));
    expect(url(page).pathname).toBe('/');
    await page.locator(`.tile[data-counter-id="${counterId}"]`).waitFor();
  });

  /** Each page as the director (or the admin) sees it, and what shows it has loaded. */
  const PAGES: { path: (p: Page) => Promise<string>; ready: string; admin?: boolean }[] = [
    { path: async () => '/', ready: '.tile' },
    {
      path: async () => `/?counter=${A.counters[0]!.id}`,
      ready: '.focus-view video[data-track="focus"]',
    },
    { path: async () => '/alerts', ready: '.alerts-page .alert-list, .alerts-page .empty' },
    { path: async () => '/departments', ready: '.departments-page .charts' },
    { path: async () => '/pressure', ready: '.pressure-page tr[data-counter-id]' },
    { path: async () => '/reviews', ready: '.reviews-page [role="status"]' },
    { path: async () => '/inspections', ready: '.inspections-page table, .inspections-page .empty' },
    { path: async () => '/audit', ready: '.audit-page table tbody tr' },
    { path: async () => '/admin', ready: '.admin-page table tbody tr', admin: true },
  ];

  async function signedIn(width: number, height: number, admin = false): Promise<Page> {
    const ctx = await within('newContext', 30_000, browser.newContext({ viewport: { width, height } }));
    const p = await within('newPage', 30_000, ctx.newPage());
    await p.goto(`${stack.url}/`);
    await p.fill('input[name=username]', admin ? 'quantri' : 'director');
    await p.fill('input[name=password]', admin ? adminPassword : password);
    await p.click('button[type=submit]');
    await p.locator('.app-header').waitFor({ timeout: 30_000 });
    return p;
  }

  /** How far the page reaches past the window's right edge (0: it fits), once its content is in. */
  async function overflow(p: Page, path: string, ready: string): Promise<number> {
    await p.goto(`${stack.url}${path}`);
    await p.locator(ready).first().waitFor({ timeout: 30_000 });
    await p.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0);
    return p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  }

  for (const [width, height] of [
    [390, 844],
    [1366, 768],
  ] as const) {
    it(`at ${width}×${height} no page is wider than the screen`, async () => {
      const director = await signedIn(width, height);
      const admin = await signedIn(width, height, true);
      const wider: string[] = [];
      for (const { path, ready, admin: asAdmin } of PAGES) {
        const p = asAdmin ? admin : director;
        const where = await path(p);
        const excess = await overflow(p, where, ready);
        if (excess > 0) wider.push(`${where} by ${excess} px`);
      }
      expect(wider).toEqual([]);
      await closeContext(director.context());
      await closeContext(admin.context());
    }, 300_000);
  }

  it(
    'at 390×844 the menu button opens every page link and logout, and each works',
    { timeout: 180_000, retry: 1 },
    async () => {
      const p = await signedIn(390, 844);
      await p.locator('.tile').first().waitFor();
      const toggle = p.locator('[data-action="menu"]');
      expect(await toggle.isVisible()).toBe(true);
      expect(await p.locator('.app-nav a[data-route="/audit"]').isVisible()).toBe(false);

      const routes = ['/', '/alerts', '/departments', '/pressure', '/inspections', '/reviews', '/audit'];
      for (const route of routes) {
        await toggle.click();
        const link = p.locator(`.app-nav a[data-route="${route}"]`);
        await link.waitFor({ state: 'visible' });
        const box = (await link.boundingBox())!;
        expect(box.x, route).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, route).toBeLessThanOrEqual(390);
        await link.click();
        await eventually(`on ${route}`, async () => (url(p).pathname === route ? true : undefined));
        // The menu closes once a page is chosen.
        await p.locator('#app-menu[data-open="false"]').waitFor({ state: 'attached' });
      }

      await toggle.click();
      const logout = p.locator('.app-header [data-action="logout"]');
      await logout.waitFor({ state: 'visible' });
      const box = (await logout.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      await logout.click();
      await p.locator('input[name=username]').waitFor({ timeout: 30_000 });
      await closeContext(p.context());
    },
  );

  // In full CI runs this test (and once the 390 one before it) outlived its 180 s with no step failing: the
  // browser calls with no timeout of their own are bounded now (`within`, `closeContext`), and one retry
  // stays until a full run shows the hang gone.
  it(
    'at 1366×768 every page link is shown whole on one line with the status, and logout works',
    { timeout: 180_000, retry: 1 },
    async () => {
      const p = await signedIn(1366, 768);
      await p.locator('.app-header [data-connection="connected"]').waitFor({ timeout: 30_000 });
      expect(await p.locator('[data-action="menu"]').isVisible()).toBe(false);
      const links = await within(
        'reading the page links',
        30_000,
        p.locator('.app-nav a').evaluateAll((els) =>
          els.map((el) => {
            const r = el.getBoundingClientRect();
            return {
              route: el.getAttribute('data-route'),
              visible: r.width > 0 && r.right <= window.innerWidth && r.left >= 0,
              whole: el.scrollWidth <= el.clientWidth + 1,
              top: Math.round(r.top),
            };
          }),
        ),
      );
      expect(links.map((l) => l.route)).toEqual([
        '/',
        '/alerts',
        '/departments',
        '/pressure',
        '/inspections',
        '/reviews',
        '/reports',
        '/staffing',
        '/audit',
      ]);
      for (const l of links) expect(l, String(l.route)).toMatchObject({ visible: true, whole: true });
      expect(new Set(links.map((l) => l.top)).size).toBe(1); // one row
      // The connection badge on one line: as tall as one line of its text.
      const conn = (await p.locator('.app-header .conn').boundingBox())!;
      expect(conn.height).toBeLessThan(30);

      await p.locator('.app-nav a[data-route="/audit"]').click();
      await p.locator('.audit-page').waitFor();
      await p.locator('.app-header [data-action="logout"]').click();
      await p.locator('input[name=username]').waitFor({ timeout: 30_000 });
      await closeContext(p.context());
    },
  );
});
