import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OverviewSchema, ReportSchema, type Overview, type Report } from '@counterwatch/shared';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { auditCount } from '../support/audit.js';
import { eventually, launchChromium, login } from '../support/browser.js';
import type { TestClock } from '../support/clock.js';
import { getJson, loginCookie } from '../support/http.js';
import { events, postEvents } from '../support/queue.js';
import { testStack } from '../support/stack.js';

const MIN = 60_000;

/** A small deterministic generator: the seeded day is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seeded morning (07:30–10:25) of two departments, posted as queue events;
 * then the report of today must say what the live metrics say, for the
 * department and each counter, and the report of the last hour the waits
 * the live metrics measure over it. A head gets their department only;
 * generating and exporting are on record; the XLSX opens with exceljs.
 */
describe('reports from the event log (real server, SQLite)', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let director: string;
  let headB: string;
  const passwords = { director: '', headb: '' };
  let browser: Browser | undefined;
  let A: Stack['provisioned']['departments'][number];
  let B: Stack['provisioned']['departments'][number];
  const seeded = new Map<string, { served: number; issued: number }>();

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('reports', {
      departments: 2,
      countersPerDepartment: 2,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    [A, B] = stack.provisioned.departments as [typeof A, typeof B];
    passwords.director = stack.ensureUser('director', ['director']);
    passwords.headb = stack.ensureUser('headb', ['head'], [B.id]);
    director = await loginCookie(stack.url, 'director', passwords.director);
    headB = await loginCookie(stack.url, 'headb', passwords.headb);
    const now = clock.now();
    for (const [index, dept] of [A, B].entries()) {
      const random = mulberry32(12 + index);
      const stamp = events(dept.id, 'qs', `rep${index}`, clock.now);
      const e = (body: Record<string, unknown>, at: number) => stamp(body, Math.round(at));
      const counters = dept.counters.map((c) => c.id);
      const batch: unknown[] = counters.map((c) =>
        e({ type: 'counter.opened', counterId: c }, now - 181 * MIN),
      );
      let served = 0;
      let issued = 0;
      const free = new Map(counters.map((c) => [c, now - 180 * MIN]));
      for (let t = now - 180 * MIN, n = 1; t < now - 8 * MIN; t += (3 + random() * 6) * MIN, n += 1) {
        const id = `${dept.id}-t${n}`;
        const service = random() < 0.5 ? 'id-card' : 'temporary-residence';
        batch.push(
          e({ type: 'ticket.issued', ticketId: id, ticketNumber: `A${n}`, serviceCode: service }, t),
        );
        issued += 1;
        // The counter free first calls it, no earlier than a minute after it was issued.
        const [counterId, freeAt] = [...free.entries()].sort((a, b) => a[1] - b[1])[0]!;
        const calledAt = Math.max(freeAt, t + MIN + random() * 4 * MIN);
        if (calledAt > now - 2 * MIN) continue; // still waiting
        batch.push(e({ type: 'ticket.called', ticketId: id, counterId }, calledAt));
        if (random() < 0.1) {
          batch.push(e({ type: 'ticket.no_show', ticketId: id, counterId }, calledAt + 2 * MIN));
          free.set(counterId, calledAt + 2 * MIN);
          continue;
        }
        const started = calledAt + 30_000;
        const finished = started + (4 + random() * 10) * MIN;
        batch.push(e({ type: 'service.started', ticketId: id, counterId }, started));
        free.set(counterId, finished);
        if (finished > now - 30_000) continue; // still being served
        batch.push(e({ type: 'service.finished', ticketId: id, counterId, outcome: 'completed' }, finished));
        served += 1;
        const r = random();
        if (r < 0.7) {
          const rating = r < 0.5 ? 'satisfied' : r < 0.6 ? 'neutral' : 'unsatisfied';
          batch.push(e({ type: 'rating.submitted', ticketId: id, counterId, rating }, finished + 20_000));
        }
      }
      for (let i = 0; i < batch.length; i += 400) {
        const posted = await postEvents(stack.url, dept.apiKey, batch.slice(i, i + 400));
        expect(
          posted.result?.rejected,
          JSON.stringify(posted.result?.results.find((r) => r.status === 'rejected')),
        ).toBe(0);
      }
      seeded.set(dept.id, { served, issued });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  const report = async (query: string, cookie = director): Promise<Report> => {
    const res = await getJson(stack.url, `/api/v1/reports?${query}`, cookie);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return ReportSchema.parse(res.body);
  };

  it("today's report equals the live metrics for the same span, department by department and counter by counter", async () => {
    const live: Overview = await eventually('the seeded day in the live metrics', async () => {
      const o = OverviewSchema.parse((await getJson(stack.url, '/api/v1/overview', director)).body);
      return o.departments.every((d) => d.metrics.servedToday === seeded.get(d.id)?.served) ? o : undefined;
    });
    const today = await report('period=day');
    expect(today.scope).toBe('province');
    for (const d of live.departments) {
      const r = today.departments.find((x) => x.id === d.id)!;
      expect(r.figures.served).toBeGreaterThan(10);
      expect(r.figures, d.id).toMatchObject({
        served: d.metrics.servedToday,
        issued: d.metrics.issuedToday,
        noShowRate: d.metrics.noShowRate,
        satisfaction: d.metrics.satisfaction,
        ratings: d.metrics.ratingsToday,
        meanServiceSeconds: d.metrics.meanServiceSeconds,
        p90ServiceSeconds: d.metrics.p90ServiceSeconds,
      });
      for (const c of d.counters) {
        const rc = r.counters.find((x) => x.id === c.id)!;
        expect(rc.figures.served, c.id).toBe(c.servedToday);
        expect(rc.figures.satisfaction, c.id).toBe(c.satisfaction);
      }
      // Waits: the live metrics measure the last hour; the report of that same hour.
      const hour = await report(
        `period=custom&fromAt=${d.metrics.at - 60 * MIN}&toAt=${d.metrics.at + 1}&departmentId=${d.id}`,
      );
      expect(hour.total.figures.waits).toBeGreaterThan(3);
      expect(hour.total.figures.meanWaitSeconds, d.id).toBe(d.metrics.meanWaitSeconds);
      expect(hour.total.figures.p90WaitSeconds, d.id).toBe(d.metrics.p90WaitSeconds);
    }
    expect(today.total.figures.served).toBe([...seeded.values()].reduce((n, s) => n + s.served, 0));
    expect(today.ranking.entries.map((e) => e.rank).sort()).toEqual([1, 2]);
    expect(auditCount(stack.dataDir, 'report.generate')).toBeGreaterThanOrEqual(3);
  });

  it('a head gets their own department only; another department is not found; other roles are refused', async () => {
    const mine = await report('period=week', headB);
    expect(mine.scope).toBe('scope');
    expect(mine.departments.map((d) => d.id)).toEqual([B.id]);
    expect(JSON.stringify(mine)).not.toContain(A.id);
    expect((await getJson(stack.url, `/api/v1/reports?period=day&departmentId=${A.id}`, headB)).status).toBe(
      404,
    );
    const auditor = await loginCookie(stack.url, 'auditor', stack.ensureUser('auditor', ['auditor']));
    expect((await getJson(stack.url, '/api/v1/reports?period=day', auditor)).status).toBe(403);
  });

  it('bad queries are a 400 and nothing is recorded', async () => {
    const before = auditCount(stack.dataDir, 'report.generate');
    for (const q of [
      'period=year',
      'period=day&date=2026-02-30',
      'period=day&from=2026-01-01',
      'period=custom',
      'period=custom&from=2026-03-01&to=2026-01-01',
      'period=day&date=2999-01-01',
      'period=custom&from=2020-01-01&to=2020-12-31',
      'period=day&targetMinutes=0',
      'period=day&sql=1',
    ]) {
      const res = await getJson(stack.url, `/api/v1/reports?${q}`, director);
      expect(res.status, q).toBe(400);
    }
    expect(auditCount(stack.dataDir, 'report.generate')).toBe(before);
  });

  it('exports an XLSX that opens with exceljs and holds the figures, and a CSV; both on record', async () => {
    const today = await report('period=day');
    const res = await fetch(`${stack.url}/api/v1/reports/export.xlsx?period=day`, {
      headers: { cookie: director },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="?bao-cao-day-.*\.xlsx/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await res.arrayBuffer());
    const sheet = book.getWorksheet('Tổng hợp')!;
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const deptRow = rows.find((r) => r[0] === 'Đơn vị' && r[1] === A.name)!;
    expect(deptRow[2]).toBe(today.departments.find((d) => d.id === A.id)?.figures.served);
    const totalRow = rows.find((r) => r[0] === 'Tổng')!;
    expect(totalRow[2]).toBe(today.total.figures.served);
    const csv = await fetch(`${stack.url}/api/v1/reports/export.csv?period=day`, {
      headers: { cookie: headB },
    });
    const text = await csv.text();
    expect(text).toContain(B.name);
    expect(text).not.toContain(A.name);
    expect(auditCount(stack.dataDir, 'report.export')).toBe(2);
  });

  it('in Chromium: the director sees the figures and downloads an XLSX that holds them; a head sees their department only', async () => {
    const today = await report('period=day');
    browser = await launchChromium();
    const errors: string[] = [];
    const open = async (who: 'director' | 'headb'): Promise<Page> => {
      const context = await browser!.newContext({
        acceptDownloads: true,
        viewport: { width: 1366, height: 768 },
      });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`${who}: ${m.text()}`);
      });
      page.on('pageerror', (e) => errors.push(`${who}: ${String(e)}`));
      await login(page, stack.url, who, passwords[who]);
      await page.click('.app-nav [data-route="/reports"]');
      await page.waitForSelector('[data-report^="day:"] [data-table="summary"]', { timeout: 30_000 });
      return page;
    };
    const digits = (s: string | null) => Number((s ?? '').replace(/\D/g, ''));

    const page = await open('director');
    expect(await page.textContent('[data-report-unit]')).toBe('Toàn tỉnh');
    expect(await page.textContent('h2')).toContain('Báo cáo');
    expect(digits(await page.textContent('[data-table="summary"] [data-figure="served"] .current'))).toBe(
      today.total.figures.served,
    );
    for (const d of today.departments) {
      const cell = page.locator(`[data-table="departments"] [data-unit="${d.id}"] [data-figure="served"]`);
      expect(digits(await cell.textContent())).toBe(d.figures.served);
    }
    expect(await page.locator('[data-ranking-basis]').textContent()).toContain('15 phút');
    expect(await page.locator('[data-chart="hours"] svg').count()).toBe(1);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-export="xlsx"]')]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(await download.path());
    const rows: unknown[][] = [];
    book.getWorksheet('Tổng hợp')!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows.find((r) => r[0] === 'Tổng')?.[2]).toBe(today.total.figures.served);
    for (const d of today.departments)
      expect(rows.find((r) => r[0] === 'Đơn vị' && r[1] === d.name)?.[2]).toBe(d.figures.served);
    // The printed document: the unit, the period and who generated it, page numbers in the margins.
    await page.emulateMedia({ media: 'print' });
    // Printed, the document alone: the console around it is hidden.
    expect(await page.locator('.app-header').isVisible()).toBe(false);
    expect(await page.locator('.report-doc [data-table="summary"]').isVisible()).toBe(true);
    expect(await page.locator('.report-doc style').textContent()).toMatch(
      /counter\(page\)[\s\S]*counter\(pages\)/,
    );
    const pdf = await page.pdf({ landscape: true, preferCSSPageSize: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.context().close();

    const head = await open('headb');
    expect(await head.textContent('[data-report-unit]')).toBe('Các đơn vị được giao');
    const units = await head
      .locator('[data-table="departments"] [data-unit]')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-unit')));
    expect(units).toEqual([B.id]);
    expect(await head.locator('select[name="report-department"] option').allTextContents()).toEqual([
      'Tất cả đơn vị được giao',
      B.name,
    ]);
    expect(await head.content()).not.toContain(A.name);
    await head.context().close();
    expect(errors).toEqual([]);
  });
});
