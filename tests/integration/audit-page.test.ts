import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { RawSocket } from '../support/agentSocket.js';
import { auditCount } from '../support/audit.js';
import { eventually, launchChromium } from '../support/browser.js';
import { loginCookie } from '../support/http.js';
import { testStack } from '../support/stack.js';

/**
 * The audit page as an auditor uses it, in Chromium: a department found by
 * its name as typed (diacritics, any case), people by their names, live-view
 * start/stop rows as one line per viewing session that opens onto its rows,
 * and the CSV of the same filters in Vietnam time with labels.
 */
describe('audit page', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let auditorPassword: string;
  let hoanKiem: Stack['provisioned']['departments'][number];
  let baDinh: Stack['provisioned']['departments'][number];

  /** Watches a counter's grid picture over the console socket, as a wall tile does; closing stops it. */
  async function watch(cookie: string, counterId: string, departmentId: string): Promise<RawSocket> {
    const s = new RawSocket(`${stack.url.replace('http', 'ws')}/ws/console`, { cookie, origin: stack.url });
    await s.opened;
    s.request(1, 'hello', { protocolVersion: 1 });
    await s.response(1);
    s.request(2, 'routerCapabilities', {});
    const caps = (await s.response(2)).data as { rtpCapabilities: unknown };
    s.request(3, 'createTransport', { departmentId });
    const transport = (await s.response(3)).data as { transportId: string };
    let id = 10;
    await eventually(
      `${counterId} online`,
      async () => {
        id += 1;
        s.request(id, 'consume', {
          transportId: transport.transportId,
          counterId,
          track: 'grid',
          rtpCapabilities: caps.rtpCapabilities,
        });
        const r = await s.response(id, 10_000);
        return r.ok ? r : undefined;
      },
      { timeoutMs: 60_000 },
    );
    return s;
  }

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('audit-page', {
      departments: 2,
      countersPerDepartment: 1,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    [hoanKiem, baDinh] = stack.provisioned.departments as [typeof hoanKiem, typeof baDinh];
    expect(hoanKiem.name).toBe('Công an phường Hoàn Kiếm');
    expect(baDinh.name).toBe('Công an phường Ba Đình');
    await stack.startAgents();
    const directorPassword = stack.createUser('giamdoc', ['director'], undefined, 'Nguyễn Văn Giám');
    auditorPassword = stack.createUser('kiemtoan', ['auditor'], undefined, 'Lê Thị Kiểm');
    const director = await loginCookie(stack.url, 'giamdoc', directorPassword);
    // The director watches both counters for a while, then closes the wall: a start and a stop each.
    const viewers = [
      await watch(director, hoanKiem.counters[0]!.id, hoanKiem.id),
      await watch(director, baDinh.counters[0]!.id, baDinh.id),
    ];
    for (const s of viewers) s.close();
    await eventually('the stops on record', async () =>
      auditCount(stack.dataDir, 'live.view_stop') >= 2 ? true : undefined,
    );
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('finds a department by its name with diacritics and shows viewing sessions as one line each', async () => {
    await page.goto(`${stack.url}/`);
    await page.fill('input[name=username]', 'kiemtoan');
    await page.fill('input[name=password]', auditorPassword);
    await page.click('button[type=submit]');
    await page.locator('.audit-page').waitFor({ timeout: 30_000 });
    // Unfiltered: a session line per counter watched.
    const sessions = page.locator('tr[data-audit-session="view"]');
    await eventually('two sessions', async () => ((await sessions.count()) === 2 ? true : undefined));

    await page.fill('input[name=department]', 'hoàn kiếm');
    await page.click('button[data-action="search"]');
    await eventually('one department', async () => ((await sessions.count()) === 1 ? true : undefined));
    const line = (await sessions.locator('[data-audit-session-text]').innerText()).trim();
    const place = `${hoanKiem.counters[0]!.name} — Công an phường Hoàn Kiếm`;
    expect(line.startsWith(`Xem trực tiếp ${place}, `), line).toBe(true);
    expect(line.slice(`Xem trực tiếp ${place}, `.length)).toMatch(
      /^\d{2}:\d{2}–\d{2}:\d{2} \((dưới 1|\d+) phút\)$/,
    );
    expect(await sessions.locator('td').nth(2).innerText()).toContain('Nguyễn Văn Giám');
    // Rows of other departments are gone; the raw start/stop rows stay one click away.
    expect(await page.locator('tbody').innerText()).not.toContain('Ba Đình');
    expect(await page.locator('tr[data-audit-action^="live.view"]').count()).toBe(0);
    await sessions.locator('button[data-action="expand-session"]').click();
    const rows = page.locator('tr.audit-nested');
    await rows.nth(1).waitFor();
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-audit-action')))).toEqual([
      'live.view_stop',
      'live.view_start',
    ]);
    const text = await rows.first().innerText();
    expect(text).toContain('Dừng xem trực tiếp');
    expect(text).toContain('Luồng xem trực tiếp (ô trên màn hình giám sát)');
    expect(text).not.toMatch(/consumer|[0-9a-f]{8}-[0-9a-f]{4}/);

    // The export of the same filters: those rows, in Vietnam time, with labels.
    const href = await page.locator('a[data-action="export-csv"]').getAttribute('href');
    expect(href).toContain('department=ho%C3%A0n+ki%E1%BA%BFm');
    const cookie = await loginCookie(stack.url, 'kiemtoan', auditorPassword);
    const csv = await (await fetch(`${stack.url}${href!}`, { headers: { cookie } })).text();
    const lines = csv.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+07:00,giamdoc,Nguyễn Văn Giám,/);
    expect(lines[1]).toContain('live.view_stop,Dừng xem trực tiếp,phuong-hoan-kiem,Công an phường Hoàn Kiếm');
  });

  it('finds the actor by display name without diacritics', async () => {
    await page.fill('input[name=department]', '');
    await page.fill('input[name=actor]', 'nguyen van giam');
    await page.click('button[data-action="search"]');
    const sessions = page.locator('tr[data-audit-session="view"]');
    await eventually('both sessions of the director', async () =>
      (await sessions.count()) === 2 ? true : undefined,
    );
    expect(await page.locator('tr[data-audit-action="auth.login"]').count()).toBeGreaterThan(0);
    expect(await page.locator('tbody').innerText()).not.toContain('kiemtoan');
  });
});
