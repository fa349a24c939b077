import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AlertListSchema, DEFAULT_THRESHOLDS, type Alert } from '@counterwatch/shared';
import type { Stack } from '@counterwatch/demo';
import { auditCount } from '../support/audit.js';
import { eventually, launchChromium, login } from '../support/browser.js';
import type { TestClock } from '../support/clock.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { events, postEvents } from '../support/queue.js';
import { testStack } from '../support/stack.js';

/**
 * Overload shows on the wall, in Chromium: an overloaded counter's tile is
 * marked with its reason and severity while the others stay calm, the
 * department header carries the department's alerts, acknowledging from the
 * tile is audited, and a new critical alert brings its counter forward
 * (worst-first order and a pop-up that opens it).
 */
describe('wall alerts', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let browser: Browser;
  let page: Page;
  let cookie: string;
  let dept: Stack['provisioned']['departments'][number];
  /** "Quầy 4 — Tổng hợp": the only counter here serving criminal records. */
  let overloaded: string;
  const MIN = 60_000;

  beforeAll(async () => {
    // No agents: the cameras are dark, and the media rule is told to wait (below) so only the queue speaks.
    ({ stack, cleanup, clock } = await testStack('wall-alerts', {
      departments: 1,
      countersPerDepartment: 4,
    }));
    dept = stack.provisioned.departments[0]!;
    overloaded = dept.counters[3]!.id;
    const password = stack.createUser('director', ['director']);
    cookie = await loginCookie(stack.url, 'director', password);
    const put = await send(
      stack.url,
      'PUT',
      `/api/v1/departments/${dept.id}/thresholds`,
      JSON.stringify({ ...DEFAULT_THRESHOLDS, mediaOfflineMinutes: 120 }),
      { cookie },
    );
    expect(put.status).toBe(200);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    await login(page, stack.url, 'director', password);
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  const tile = (counterId: string) => page.locator(`.tile[data-counter-id="${counterId}"]`);

  it('worst first: with nothing wrong, the wall keeps the counters in their order', async () => {
    await page.locator('.wall-toolbar [data-control="sort"]').selectOption('worst');
    await tile(overloaded).waitFor();
    const order = await page
      .locator('.wall .tile')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-counter-id')));
    expect(order).toEqual(dept.counters.map((c) => c.id));
    expect(
      await page.locator('.wall .tile[data-alert="critical"], .wall .tile[data-alert="warning"]').count(),
    ).toBe(0);
  });

  it('35 people waiting 57 minutes for one counter: its tile is marked critical with the reason', async () => {
    const e = events(dept.id, 'qs', 'wa', clock.now);
    const opened = dept.counters.map((c) =>
      e({ type: 'counter.opened', counterId: c.id }, clock.now() - 60 * MIN),
    );
    const issued = Array.from({ length: 35 }, (_, i) =>
      e(
        {
          type: 'ticket.issued',
          ticketId: `wa-t${i + 1}`,
          ticketNumber: `H${String(i + 1).padStart(3, '0')}`,
          serviceCode: 'criminal-record',
        },
        clock.now() - (57 - i) * MIN,
      ),
    );
    const posted = await postEvents(stack.url, dept.apiKey, [...opened, ...issued]);
    expect(posted.status).toBe(200);

    const marked = tile(overloaded);
    await page
      .locator(`.tile[data-counter-id="${overloaded}"][data-alert="critical"]`)
      .waitFor({ timeout: 30_000 });
    expect(await marked.getAttribute('data-queue-length')).toBe('35');
    expect(await marked.getAttribute('data-alert-state')).toBe('open');
    expect((await marked.getAttribute('data-alert-rules'))?.split(' ')).toContain('longest_wait');
    // The reason in plain Vietnamese, worst first, on the picture.
    const reason = await page
      .locator(`.tile-cell[data-counter-id="${overloaded}"] .tile-alert-lead`)
      .innerText();
    expect(reason).toMatch(/^Nghiêm trọng · Người chờ lâu nhất 5\d phút$/);
    // The counters that cannot serve these people stay unmarked.
    for (const c of dept.counters.slice(0, 3)) expect(await tile(c.id).getAttribute('data-alert')).toBe('');

    // The department's header carries the department alerts too: above the fitted wall, the worst one on
    // its line and "+N" for the rest (the queue per counter and the expected wait are over too).
    const header = page.locator(`.wall .department-header[data-department-id="${dept.id}"]`);
    expect(await header.getAttribute('data-alert')).toBe('critical');
    const more = header.locator('.department-alerts-more');
    await more.waitFor({ timeout: 10_000 });
    expect(await header.getAttribute('data-compact')).toBe('true');
    expect(await header.locator('.department-alert').count()).toBe(1);
    expect(await header.locator('.department-alert').getAttribute('data-severity')).toBe('critical');
    await more.click();
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    expect(await header.locator('.department-alert').count()).toBeGreaterThan(1);
    expect(await header.locator('.department-alert[data-rule="longest_wait"]').innerText()).toMatch(
      /Người chờ lâu nhất 5\d phút/,
    );

    // The server says which counters the department alert concerns; the console does not guess.
    const res = await getJson(stack.url, `/api/v1/alerts?state=open&departmentId=${dept.id}`, cookie);
    const longest = AlertListSchema.parse(res.body).alerts.find((a) => a.rule === 'longest_wait');
    expect(longest).toMatchObject({ counterId: null, counterIds: [overloaded], severity: 'critical' });
  });

  it('the new critical alert brings its counter forward: first on the worst-first wall, and a pop-up opens it', async () => {
    await eventually('overloaded counter first', async () => {
      const first = await page.locator('.wall .tile').first().getAttribute('data-counter-id');
      return first === overloaded ? true : undefined;
    });
    const item = page.locator('.critical-popup .critical-item[data-rule="longest_wait"]');
    await item.waitFor();
    await item.locator('[data-action="show-counter"]').click();
    await page.locator(`.focus-view[data-counter-id="${overloaded}"]`).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.focus-view').waitFor({ state: 'detached' });
    expect(await page.locator('.critical-popup .critical-item[data-rule="longest_wait"]').count()).toBe(0);
  });

  it('acknowledging from the tile acknowledges its alerts, audited, and the tile stays marked', async () => {
    const list = async (): Promise<Alert[]> =>
      AlertListSchema.parse(
        (await getJson(stack.url, `/api/v1/alerts?departmentId=${dept.id}&limit=100`, cookie)).body,
      ).alerts.filter((a) => a.state !== 'resolved' && a.counterIds.includes(overloaded));
    const before = await list();
    expect(before.length).toBeGreaterThan(0);
    const open = before.filter((a) => a.state === 'open');
    for (const a of open) expect(auditCount(stack.dataDir, 'alert.acknowledge', String(a.id))).toBe(0);

    await page.locator(`.tile-cell[data-counter-id="${overloaded}"] .tile-ack button`).click();
    await page
      .locator(`.tile[data-counter-id="${overloaded}"][data-alert-state="acknowledged"]`)
      .waitFor({ timeout: 30_000 });
    // Still true, so still marked; nobody needs to be told again.
    expect(await tile(overloaded).getAttribute('data-alert')).toBe('critical');
    expect(await page.locator(`.tile-cell[data-counter-id="${overloaded}"] .tile-ack`).count()).toBe(0);

    const after = await list();
    for (const a of open) {
      expect(after.find((x) => x.id === a.id)).toMatchObject({
        state: 'acknowledged',
        acknowledgedBy: 'director',
      });
      expect(auditCount(stack.dataDir, 'alert.acknowledge', String(a.id))).toBe(1);
    }
  });
});
