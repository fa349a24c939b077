import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { eventually, launchChromium, login } from '../support/browser.js';
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

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('navigation', { departments: 2, countersPerDepartment: 2 }));
    [A, B] = stack.provisioned.departments as [typeof A, typeof B];
    await stack.startAgent(A.counters[0]!.id);
    password = stack.createUser('director', ['director']);
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
      .locator('section.department')
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
    await page.locator('.focus-view video').waitFor({ timeout: 30_000 });

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

  it('filters in the URL are applied on load', async () => {
    await page.goto(`${stack.url}/?department=${B.id}`);
    await page.locator(`.tile[data-counter-id="${B.counters[0]!.id}"]`).waitFor();
    expect(await departmentsShown(page)).toEqual([B.id]);

    await page.goto(`${stack.url}/reviews?state=closed&department=${A.id}&counter=${A.counters[1]!.id}`);
    await page.locator('.reviews-page input[name="state"][value="closed"]:checked').waitFor();
    expect(await page.locator('.reviews-page select[name="department"]').inputValue()).toBe(A.id);
    expect(await page.locator('.reviews-page select[name="counter"]').inputValue()).toBe(A.counters[1]!.id);

    await page.goto(`${stack.url}/alerts?state=all&severity=critical`);
    await page.locator('.alerts-page input[name="state"][value="all"]:checked').waitFor();
    expect(await page.locator('.alerts-page select[name="severity"]').inputValue()).toBe('critical');

    // A value that is not a choice reads as the default, never an error.
    await page.goto(`${stack.url}/pressure?department=${B.id}&top=bogus`);
    await page.locator('.pressure-page').waitFor();
    expect(await page.locator('.pressure-page select[name="department"]').inputValue()).toBe(B.id);
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
});
