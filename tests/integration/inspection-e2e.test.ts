import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { eventually, launchChromium, login } from '../support/browser.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { testStack } from '../support/stack.js';

/**
 * Inspecting without loss, in Chromium: the draft is saved on the server as
 * it is typed, so a tab closed mid-inspection resumes exactly in a new
 * browser context; it is the inspector's alone.
 */
describe('inspection end to end', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let counterId: string;
  const passwords: Record<string, string> = {};

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('inspection', { departments: 1, countersPerDepartment: 2 }));
    counterId = stack.provisioned.departments[0]!.counters[0]!.id;
    passwords.thanhtra = stack.createUser('thanhtra', ['inspector']);
    passwords.thanhtra2 = stack.createUser('thanhtra2', ['inspector']);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  async function session(username: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await login(page, stack.url, username, passwords[username]!);
    return page;
  }

  it('a tab closed mid-inspection loses nothing: a new context resumes it exactly; another inspector gets 403', async () => {
    const page = await session('thanhtra');
    await page.locator(`.tile[data-counter-id="${counterId}"]`).hover();
    await page.locator(`[data-action="inspect"][data-counter-id="${counterId}"]`).click();
    const panel = page.locator('[data-inspection-state="running"][data-inspection-id]');
    await panel.waitFor({ timeout: 30_000 });
    const inspectionId = Number(await panel.getAttribute('data-inspection-id'));
    await page.locator('[data-draft-state="saved"]').waitFor({ timeout: 30_000 });

    await page.locator('[data-check-item="greeting"] input[value="pass"]').check();
    await page.locator('[data-check-item="uniform"] input[value="fail"]').check();
    await page.locator('[data-check-item="guidance"] input[value="not_observed"]').check();
    await page.locator('[data-field="officer"]').fill('Trần Văn Bình');
    await page.locator('[data-field="notes"]').pressSequentially('Cán bộ không đeo biển tên. Nhắc nhở.');
    // No "save" click anywhere: what was typed reaches the server on its own.
    const cookie = await loginCookie(stack.url, 'thanhtra', passwords.thanhtra!);
    const expected = {
      results: { greeting: 'pass', uniform: 'fail', guidance: 'not_observed' },
      notes: 'Cán bộ không đeo biển tên. Nhắc nhở.',
      officerName: 'Trần Văn Bình',
    };
    await eventually('the draft on the server', async () => {
      const r = await getJson(stack.url, `/api/v1/inspections/${inspectionId}/draft`, cookie);
      return JSON.stringify(r.body.draft) === JSON.stringify(expected) ? true : undefined;
    });
    await page.context().close();

    // Another browser context (a new tab, another browser): the open inspection is offered and resumes exactly.
    const again = await session('thanhtra');
    await again
      .locator(`.inspection-banner[data-inspection-id="${inspectionId}"]`)
      .waitFor({ timeout: 30_000 });
    await again.locator('[data-action="resume-inspection"]').click();
    const resumed = again.locator(`[data-inspection-state="running"][data-inspection-id="${inspectionId}"]`);
    await resumed.waitFor({ timeout: 30_000 });
    await again.locator('[data-draft-state="saved"]').waitFor({ timeout: 30_000 });
    expect(await again.locator('[data-check-item="greeting"] input[value="pass"]').isChecked()).toBe(true);
    expect(await again.locator('[data-check-item="uniform"] input[value="fail"]').isChecked()).toBe(true);
    expect(await again.locator('[data-check-item="guidance"] input[value="not_observed"]').isChecked()).toBe(
      true,
    );
    expect(await again.locator('[data-check-item="procedure"] input:checked').count()).toBe(0);
    expect(await again.locator('[data-field="officer"]').inputValue()).toBe('Trần Văn Bình');
    expect(await again.locator('[data-field="notes"]').inputValue()).toBe(expected.notes);

    // Inspect again on the same counter from this context: the same inspection, not a second one.
    const inspectAgain = await send(stack.url, 'POST', '/api/v1/inspections', JSON.stringify({ counterId }), {
      cookie,
    });
    expect(inspectAgain.status).toBe(200);
    expect((inspectAgain.body.inspection as { id: number }).id).toBe(inspectionId);

    // Another inspector, in scope, can neither read nor write it.
    const other = await loginCookie(stack.url, 'thanhtra2', passwords.thanhtra2!);
    expect((await getJson(stack.url, `/api/v1/inspections/${inspectionId}/draft`, other)).status).toBe(403);
    const overwrite = await send(
      stack.url,
      'PUT',
      `/api/v1/inspections/${inspectionId}/draft`,
      JSON.stringify({ results: {}, notes: 'xóa', officerName: '' }),
      { cookie: other },
    );
    expect(overwrite.status).toBe(403);
    // Bad drafts from the owner are refused with a 4xx and change nothing.
    for (const bad of [
      { results: { nope: 'pass' }, notes: '', officerName: '' },
      { results: {}, notes: 'x'.repeat(10_001), officerName: '' },
      { results: { greeting: 'maybe' }, notes: '', officerName: '' },
    ]) {
      const res = await send(
        stack.url,
        'PUT',
        `/api/v1/inspections/${inspectionId}/draft`,
        JSON.stringify(bad),
        { cookie },
      );
      expect(res.status).toBe(400);
    }
    const stored = await getJson(stack.url, `/api/v1/inspections/${inspectionId}/draft`, cookie);
    expect(stored.body.draft).toEqual(expected);

    // Ending it keeps what was typed; the report records it.
    await again.locator('[data-field="notes"]').pressSequentially(' Đã xong.');
    await again.locator('[data-action="end-inspection"]').click();
    const report = again.locator(`article[data-inspection-id="${inspectionId}"]`);
    await report.waitFor({ timeout: 30_000 });
    expect(await report.locator('tr[data-check-item="uniform"]').getAttribute('data-result')).toBe('fail');
    expect(await report.textContent()).toContain('Cán bộ không đeo biển tên. Nhắc nhở. Đã xong.');
    const late = await send(
      stack.url,
      'PUT',
      `/api/v1/inspections/${inspectionId}/draft`,
      JSON.stringify(expected),
      { cookie },
    );
    expect(late.status).toBe(409);
    await again.context().close();
  });
});
