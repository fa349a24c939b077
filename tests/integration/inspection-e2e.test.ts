import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { auditCount } from '../support/audit.js';
import { eventually, firstReviewRow, launchChromium, login } from '../support/browser.js';
import { asDevice, enrolDevice, openDevice, panelAction } from '../support/devices.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { testStack } from '../support/stack.js';
import { wellInsideWindow, type TestClock } from '../support/clock.js';

/**
 * Inspecting without loss, in Chromium: the draft is saved on the server as
 * it is typed, so a tab closed mid-inspection resumes exactly in a new
 * browser context; it is the inspector's alone. Officers sign in at the
 * counter panel (badge and PIN) and are named on what they serve and on
 * the inspection; the report is an official, printable document.
 */
describe('inspection end to end', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let browser: Browser;
  let counterId: string;
  let counter2: string;
  let departmentId: string;
  let admin: string;
  const passwords: Record<string, string> = {};

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('inspection', { departments: 1, countersPerDepartment: 2 }));
    const department = stack.provisioned.departments[0]!;
    departmentId = department.id;
    counterId = department.counters[0]!.id;
    counter2 = department.counters[1]!.id;
    passwords.thanhtra = stack.createUser('thanhtra', ['inspector'], undefined, 'Nguyễn Thanh Tra');
    passwords.thanhtra2 = stack.createUser('thanhtra2', ['inspector'], undefined, 'Lê Văn Kiểm');
    admin = await loginCookie(stack.url, 'admin', stack.createUser('admin', ['admin']));
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

  async function addOfficer(displayName: string, badgeNumber: string, pin: string): Promise<number> {
    const res = await send(
      stack.url,
      'POST',
      '/api/v1/admin/officers',
      JSON.stringify({ departmentId, displayName, badgeNumber, pin }),
      { cookie: admin },
    );
    expect(res.status).toBe(201);
    return (res.body.officer as { id: number }).id;
  }

  async function signIn(panel: Page, badge: string, pin: string): Promise<void> {
    await panel.locator('[data-field="badge"]').fill(badge);
    await panel.locator('[data-field="pin"]').fill(pin);
    await panel.locator('[data-action="officer-sign-in"]').click();
  }

  it('an officer signs in at the panel and is named on what they serve; a wrong PIN is refused, then throttled', async () => {
    const officerId = await addOfficer('Trần Văn Bình', 'ca-1234', '2468');
    const enrol = (kind: 'kiosk' | 'panel' | 'rating', counter?: string) =>
      enrolDevice(stack.url, admin, { departmentId, kind, ...(counter ? { counterId: counter } : {}) });
    const [kiosk, panel, pad] = [
      await enrol('kiosk'),
      await enrol('panel', counterId),
      await enrol('rating', counterId),
    ];
    const device = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true })
    ).newPage();
    await openDevice(device, `${stack.url}/panel`, panel.token);
    await device.locator('form.panel-officer').waitFor({ timeout: 30_000 });
    const signIns = auditCount(stack.dataDir, 'officer.sign_in');
    await signIn(device, 'CA-1234', '2468');
    const bar = device.locator(`.panel-officer.signed-in[data-officer-id="${officerId}"]`);
    await bar.waitFor({ timeout: 30_000 });
    expect(await bar.locator('[data-officer-name]').textContent()).toBe('Trần Văn Bình');
    expect(auditCount(stack.dataDir, 'officer.sign_in')).toBe(signIns + 1);

    // A citizen takes a ticket, is served here, and leaves an unsatisfied rating.
    await openDevice(device, `${stack.url}/kiosk`, kiosk.token);
    await device.locator('[data-service-code]').first().click();
    await device.locator('.receipt[data-ticket-number]').waitFor();
    await openDevice(device, `${stack.url}/panel`, panel.token);
    await bar.waitFor({ timeout: 30_000 }); // still signed in after a reload
    await panelAction(device, 'open');
    await panelAction(device, 'call-next');
    await panelAction(device, 'start');
    await device.locator('[data-action="finish"]').click();
    await device.locator('[data-outcome="completed"]').click();
    await device.locator('.panel-body[data-queue-state="idle"]').waitFor({ timeout: 30_000 });
    await openDevice(device, `${stack.url}/rating`, pad.token);
    await device.locator('[data-rating="unsatisfied"]').click();
    await device.locator('[data-action="send"]').waitFor();

    // The review names the officer on duty, as stored with the interaction.
    const page = await session('thanhtra');
    const row = await firstReviewRow(page, stack.url);
    expect(await row.locator('[data-fact="officer"]').textContent()).toBe('Trần Văn Bình');
    await row.locator('[data-action="open-review"]').click();
    const fact = page.locator(`[data-fact="officer"][data-officer-id="${officerId}"]`);
    await fact.waitFor({ timeout: 30_000 });
    expect(await fact.textContent()).toContain('Trần Văn Bình');
    expect(await fact.textContent()).toContain('CA-1234');
    await page.context().close();

    // Signing out is on record; the panel asks for the next officer.
    await openDevice(device, `${stack.url}/panel`, panel.token);
    const signOuts = auditCount(stack.dataDir, 'officer.sign_out');
    await device.locator('[data-action="officer-sign-out"]').click();
    await device.locator('form.panel-officer').waitFor({ timeout: 30_000 });
    expect(auditCount(stack.dataDir, 'officer.sign_out')).toBe(signOuts + 1);

    // Wrong PINs at another counter's panel: refused on record, then throttled, the panel staying a panel.
    await addOfficer('Phạm Thị Dung', 'CA-5678', '1357');
    const panel2 = await enrol('panel', counter2);
    await device.goto('about:blank'); // a new page load, not a change of fragment on the same page
    await openDevice(device, `${stack.url}/panel`, panel2.token);
    await device.locator('form.panel-officer').waitFor({ timeout: 30_000 });
    // The PIN limit counts in fixed 5-minute windows of the server's clock: guess well inside one, so the
    // wrong PINs and the refused right one below are counted in the same window.
    await wellInsideWindow(clock, 5 * 60_000, 30_000);
    const failed = auditCount(stack.dataDir, 'officer.sign_in_failed');
    for (let i = 0; i < 5; i++) {
      await signIn(device, 'CA-5678', `000${i}`);
      await eventually('the refusal counted', async () =>
        auditCount(stack.dataDir, 'officer.sign_in_failed') === failed + i + 1 ? true : undefined,
      );
      await device.locator('[data-officer-error]').waitFor();
      expect(await device.locator('[data-officer-error]').textContent()).toBe('Sai số hiệu hoặc mã PIN.');
    }
    // The right PIN now waits too: the guesser learns nothing.
    await signIn(device, 'CA-5678', '1357');
    await eventually('throttled', async () =>
      (await device.locator('[data-officer-error]').textContent())?.includes('quá nhiều lần')
        ? true
        : undefined,
    );
    expect(auditCount(stack.dataDir, 'officer.sign_in_failed')).toBe(failed + 5);
    expect(await device.locator('.panel-officer.signed-in').count()).toBe(0);
    expect(await device.locator('main[data-device-page="panel"]').count()).toBe(1);
    await device.context().close();
  });

  it('the report is an official document with display names and signature blocks, and prints to PDF', async () => {
    // The officer at the counter signs in at its panel (the UI is tested above).
    await addOfficer('Đỗ Minh Châu', 'CA-9012', '8642');
    const panel = await enrolDevice(stack.url, admin, { departmentId, kind: 'panel', counterId });
    const signedIn = await asDevice(
      stack.url,
      panel.token,
      'POST',
      `/api/v1/device/counters/${counterId}/officer`,
      {
        badgeNumber: 'CA-9012',
        pin: '8642',
      },
    );
    expect(signedIn.status).toBe(200);

    const page = await session('thanhtra');
    await page.locator(`.tile[data-counter-id="${counterId}"]`).hover();
    await page.locator(`[data-action="inspect"][data-counter-id="${counterId}"]`).click();
    const running = page.locator('[data-inspection-state="running"][data-inspection-id]');
    await running.waitFor({ timeout: 30_000 });
    const inspectionId = await running.getAttribute('data-inspection-id');
    // The officer signed in at the panel is named; no name to type.
    expect(await page.locator('.officer-on-duty').textContent()).toContain('Đỗ Minh Châu');
    expect(await page.locator('[data-field="officer"]').count()).toBe(0);
    await page.locator('[data-draft-state="saved"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-check-item="greeting"] input[value="pass"]').check();
    await page.locator('[data-check-item="uniform"] input[value="fail"]').check();
    await page.locator('[data-field="notes"]').fill('Nhắc nhở cán bộ về trang phục.');
    await page.locator('[data-action="end-inspection"]').click();
    const report = page.locator(`article[data-inspection-id="${inspectionId}"]`);
    await report.waitFor({ timeout: 30_000 });
    expect(await report.locator('[data-fact="inspector"]').textContent()).toBe('Nguyễn Thanh Tra');
    expect(await report.locator('[data-fact="officer"]').textContent()).toContain('Đỗ Minh Châu');

    // The printable report itself.
    await page.goto(`${stack.url}/api/v1/inspections/${inspectionId}/report.html`);
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).toContain('Cộng hòa xã hội chủ nghĩa Việt Nam');
    expect(text).toContain('Độc lập - Tự do - Hạnh phúc');
    const unit = stack.provisioned.departments[0]!.name;
    expect(await page.locator('[data-unit]').textContent()).toBe(unit);
    expect(await page.locator('[data-dateline]').textContent()).toMatch(
      /, ngày \d{2} tháng \d{2} năm \d{4}$/,
    );
    expect(await page.locator('[data-inspector]').textContent()).toBe('Nguyễn Thanh Tra');
    expect(text).not.toContain('thanhtra');
    expect(await page.locator('[data-officer]').textContent()).toContain('Đỗ Minh Châu, số hiệu CA-9012');
    for (const who of ['officer', 'inspector', 'head'])
      expect(await page.locator(`[data-signature="${who}"]`).count()).toBe(1);
    expect(await page.locator('[data-signature="inspector"] .name').textContent()).toBe('Nguyễn Thanh Tra');
    expect(await page.locator('[data-signature="officer"] .name').textContent()).toBe('Đỗ Minh Châu');
    expect(await page.locator('tr[data-check-item="uniform"] .fail').count()).toBe(1);

    // Chromium's print is the PDF export: A4 pages, numbered by the page's own @page rules.
    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(1);
    await page.context().close();
  });
});
