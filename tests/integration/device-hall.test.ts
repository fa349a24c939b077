import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { CHROMIUM_FLAGS, eventually, launchChromium } from '../support/browser.js';
import { asDevice, enrolDevice, openDevice, type EnrolledDevice } from '../support/devices.js';
import { getJson, loginCookie } from '../support/http.js';
import { events, postEvents } from '../support/queue.js';
import type { TestClock } from '../support/clock.js';
import { testStack } from '../support/stack.js';

/**
 * The department's devices as the hall uses them, in Chromium: an admin
 * enrols a kiosk from the console; its numbers continue after the queue
 * feed's; the board calls each number aloud (and again on recall); a citizen
 * taps "Không hài lòng" and walks away, and the flag still arrives; device
 * administration hides behind a staff-only long press; a revoked device
 * drops to its enrolment prompt and says why.
 */
describe('the department devices in the hall', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let browser: Browser;
  let dept: Stack['provisioned']['departments'][number];
  let counterId: string;
  let adminPassword: string;
  let admin: string;
  let director: string;
  let adminPage: Page;
  let kioskPage: Page;
  let boardPage: Page;
  let kioskId: string;
  let kioskToken: string;
  const devices = {} as Record<'panel' | 'rating' | 'board', EnrolledDevice>;

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('device-hall', {
      departments: 1,
      countersPerDepartment: 2,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    dept = stack.provisioned.departments[0]!;
    counterId = dept.counters[0]!.id; // "Quầy 1 — Căn cước", serves id-card (letter A)
    adminPassword = stack.createUser('admin', ['admin']);
    admin = await loginCookie(stack.url, 'admin', adminPassword);
    director = await loginCookie(stack.url, 'director', stack.createUser('director', ['director']));
    devices.panel = await enrolDevice(stack.url, admin, { departmentId: dept.id, kind: 'panel', counterId });
    devices.rating = await enrolDevice(stack.url, admin, {
      departmentId: dept.id,
      kind: 'rating',
      counterId,
    });
    devices.board = await enrolDevice(stack.url, admin, { departmentId: dept.id, kind: 'board' });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  const act = (action: Record<string, unknown>) =>
    asDevice(stack.url, devices.panel.token, 'POST', `/api/v1/device/counters/${counterId}/actions`, action);

  it('an admin adds a kiosk in the console; the kiosk page enrols with the one-time code', async () => {
    adminPage = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await adminPage.goto(`${stack.url}/`);
    await adminPage.fill('input[name=username]', 'admin');
    await adminPage.fill('input[name=password]', adminPassword);
    await adminPage.click('button[type=submit]');
    await adminPage.locator('.app-header').waitFor();
    await adminPage.goto(`${stack.url}/admin?tab=devices`);
    const form = adminPage.locator('[data-form="add-device"]');
    await form.waitFor();
    await form.locator('select[name=kind]').selectOption('kiosk');
    await form.locator('input[name=name]').fill('Máy lấy số sảnh chính');
    await form.locator('[data-action="add-device"]').click();
    const code = await adminPage.locator('[data-enrolment-code]').getAttribute('data-enrolment-code');
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const row = adminPage.locator('tr[data-device-kind="kiosk"]');
    await row.waitFor();
    kioskId = (await row.getAttribute('data-device-id')) ?? '';

    kioskPage = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await kioskPage.goto(`${stack.url}/kiosk`);
    await kioskPage.fill('input[name=enrolmentCode]', code!.toLowerCase());
    await kioskPage.click('button[type=submit]');
    await kioskPage.locator('main.device-page.kiosk').waitFor();
    kioskToken = (await kioskPage.evaluate(() => localStorage.getItem('cw.deviceToken.kiosk'))) ?? '';
    expect(kioskToken.length).toBeGreaterThan(30);
    // The same code does not enrol a second device.
    const other = await (await browser.newContext()).newPage();
    await other.goto(`${stack.url}/kiosk`);
    await other.fill('input[name=enrolmentCode]', code!);
    await other.click('button[type=submit]');
    await other.locator('[data-notice="refusedCode"]').waitFor();
    await other.context().close();
    // The console lists it as in use, with when it was last used.
    await adminPage.reload();
    await expect
      .poll(
        async () => adminPage.locator(`tr[data-device-id="${kioskId}"] [data-device-status]`).textContent(),
        { timeout: 10_000 },
      )
      .toBe('Đang dùng');
  });

  it('the kiosk numbers after what the queue feed already used: A020 after A016–A019, never backwards', async () => {
    const e = events(dept.id, 'queue-feed', 'feed', clock.now);
    const now = clock.now();
    const feed = [16, 17, 18, 19].flatMap((n, i) => [
      e(
        { type: 'ticket.issued', ticketId: `feed-${n}`, ticketNumber: `A0${n}`, serviceCode: 'id-card' },
        now - 60_000 + i,
      ),
      e({ type: 'ticket.no_show', ticketId: `feed-${n}` }, now - 30_000 + i),
    ]);
    expect((await postEvents(stack.url, dept.apiKey, feed)).result?.accepted).toBe(8);
    await kioskPage.locator('[data-service-code="id-card"]').click();
    await kioskPage.locator('.receipt[data-ticket-number]').waitFor();
    expect(await kioskPage.locator('.receipt').getAttribute('data-ticket-number')).toBe('A020');
    await kioskPage.locator('[data-action="back"]').click();
    const next = await asDevice(stack.url, kioskToken, 'POST', '/api/v1/device/tickets', {
      serviceCode: 'id-card',
    });
    expect(next.body.ticketNumber).toBe('A021');
  });

  it('the hall board calls the number aloud: a chime and a Vietnamese voice, again on recall', async () => {
    boardPage = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await openDevice(boardPage, `${stack.url}/board`, devices.board.token);
    const main = boardPage.locator('main.board');
    // Launched with autoplay allowed (an unattended board's setting): no tap needed.
    await expect.poll(() => main.getAttribute('data-sound'), { timeout: 10_000 }).toBe('on');

    expect((await act({ action: 'open' })).status).toBe(200);
    const called = await act({ action: 'call-next' });
    expect(called.status).toBe(200);
    const number = (called.body.servingTicket as { number: string; ticketId: string }).number;
    expect(number).toBe('A020');
    await expect
      .poll(() => boardPage.locator('.board-hero').getAttribute('data-hero-number'), { timeout: 10_000 })
      .toBe(number);
    expect(await boardPage.locator('.board-hero').getAttribute('class')).toContain('fresh');
    await expect
      .poll(() => main.getAttribute('data-voice-last'), { timeout: 30_000 })
      .toMatch(new RegExp(`^${number}@`));
    const firstCall = await main.getAttribute('data-voice-last');

    // The sound itself: a WAV of a chime and the spoken sentence.
    const board = await asDevice(stack.url, devices.board.token, 'GET', '/api/v1/device/board');
    const call = (board.body.recentCalls as { ticketId: string; ticketNumber: string }[])[0]!;
    const res = await fetch(
      `${stack.url}/api/v1/device/board/calls/${encodeURIComponent(call.ticketId)}/voice`,
      {
        headers: { authorization: `Bearer ${devices.board.token}` },
      },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/wav');
    expect(decodeURIComponent(res.headers.get('x-announcement') ?? '')).toBe(`Mời số ${number} đến Quầy 1`);
    const wav = Buffer.from(await res.arrayBuffer());
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    const file = path.join(os.tmpdir(), `cw-voice-${process.pid}.wav`);
    fs.writeFileSync(file, wav);
    const seconds = Number(
      execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], {
        encoding: 'utf8',
      }).trim(),
    );
    fs.rmSync(file);
    // 1.6 s of chime and pauses, then the sentence (about 3 s at 135 words a minute): a voice, not a beep.
    expect(seconds).toBeGreaterThan(3.5);
    expect(seconds).toBeLessThan(12);
    // Another board of the department may not make the server say anything but calls that happened.
    const made = await fetch(`${stack.url}/api/v1/device/board/calls/not-a-ticket/voice`, {
      headers: { authorization: `Bearer ${devices.board.token}` },
    });
    expect(made.status).toBe(404);

    // A recall plays it again.
    const played = Number(await main.getAttribute('data-voice-played'));
    expect((await act({ action: 'recall' })).status).toBe(200);
    await expect
      .poll(async () => Number(await main.getAttribute('data-voice-played')), { timeout: 30_000 })
      .toBeGreaterThan(played);
    const recalled = await main.getAttribute('data-voice-last');
    expect(recalled).toMatch(new RegExp(`^${number}@`));
    expect(recalled).not.toBe(firstCall);
  });

  it('a board where the browser blocks sound asks for one tap ("Bật âm thanh"), then plays', async () => {
    // Chromium's own policy (document-user-activation-required) blocks sound before a tap, yet under
    // Playwright a page it navigated to can count as activated already (navigator.userActivation says
    // so), and then sound is on with nobody touching it: five fresh browsers in a row once in CI. The
    // page gets the policy's rule from a trusted input instead: play() is refused with NotAllowedError
    // until the first real pointer or key press on it, then every play() is Chromium's own.
    const strict = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        ...CHROMIUM_FLAGS.filter((f) => !f.startsWith('--autoplay-policy')),
        '--autoplay-policy=document-user-activation-required',
      ],
    });
    try {
      const context = await strict.newContext({ viewport: { width: 1366, height: 768 } });
      await context.addInitScript(() => {
        let touched = false;
        for (const type of ['pointerdown', 'mousedown', 'keydown', 'touchstart']) {
          addEventListener(
            type,
            (event) => {
              if (event.isTrusted) touched = true;
            },
            { capture: true },
          );
        }
        const play = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'play')!.value as (
          this: HTMLMediaElement,
        ) => Promise<void>;
        HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
          if (!touched) {
            return Promise.reject(new DOMException('play() needs a user gesture', 'NotAllowedError'));
          }
          return play.call(this);
        };
      });
      const page = await context.newPage();
      await openDevice(page, `${stack.url}/board`, devices.board.token);
      const main = page.locator('main.board');
      await expect.poll(() => main.getAttribute('data-sound'), { timeout: 10_000 }).toBe('blocked');
      expect(await page.locator('.board-sound-explain').textContent()).toContain('Chạm một lần');
      await page.locator('[data-action="enable-sound"]').click();
      await expect.poll(() => main.getAttribute('data-sound'), { timeout: 10_000 }).toBe('on');
      expect((await act({ action: 'recall' })).status).toBe(200);
      await expect
        .poll(async () => Number(await main.getAttribute('data-voice-played')), { timeout: 30_000 })
        .toBeGreaterThan(0);
    } finally {
      await strict.close();
    }
  });

  it('a citizen taps "Không hài lòng" and walks away: the flag arrives within seconds, the pad returns to idle', async () => {
    expect((await act({ action: 'start' })).status).toBe(200);
    expect((await act({ action: 'finish', outcome: 'completed' })).status).toBe(200);
    const pad = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
    await openDevice(pad, `${stack.url}/rating`, devices.rating.token);
    await pad.locator('[data-rating="unsatisfied"]').click();
    await pad.locator('[data-rating-step="comment"]').waitFor();
    // Nobody types anything. The rating is already recorded and flagged for review.
    const flagged = await eventually(
      'the interaction flagged',
      async () => {
        const r = await getJson(stack.url, `/api/v1/reviews?departmentId=${dept.id}`, director);
        const list = (r.body.interactions ?? []) as {
          ticketNumber: string;
          rating: string | null;
          ratingComment: string | null;
          flags: { reason: string }[];
        }[];
        return list.find(
          (i) => i.ticketNumber === 'A020' && i.flags.some((f) => f.reason === 'unsatisfied_rating'),
        );
      },
      { timeoutMs: 10_000 },
    );
    expect(flagged).toMatchObject({ rating: 'unsatisfied', ratingComment: null });
    await pad.locator('[data-rating-step="idle"]').waitFor({ timeout: 30_000 });
    await pad.context().close();
  });

  it('device administration is behind a staff-only long press and a fresh code: a tap changes nothing', async () => {
    const title = kioskPage.locator('[data-action="staff-corner"]');
    await title.click();
    await kioskPage.waitForTimeout(2_500);
    expect(await kioskPage.locator('[data-dialog="staff"]').count()).toBe(0);
    await title.click({ delay: 2_300 });
    const dialog = kioskPage.locator('[data-dialog="staff"]');
    await dialog.waitFor();
    await dialog.locator('input[name=enrolmentCode]').fill('AAAA-BBBB-CCCC');
    await dialog.locator('[data-action="reenrol"]').click();
    await dialog.locator('[role="alert"]').waitFor();
    await dialog.locator('[data-action="close-staff"]').click();
    // Still the kiosk, still working.
    const ticket = await asDevice(stack.url, kioskToken, 'POST', '/api/v1/device/tickets', {
      serviceCode: 'id-card',
    });
    expect(ticket.status).toBe(200);

    // With a new code from the admin, the staff enrol it again; the old token stops working.
    const issued = await fetch(`${stack.url}/api/v1/admin/devices/${kioskId}/code`, {
      method: 'POST',
      headers: { cookie: admin, origin: stack.url, 'content-type': 'application/json' },
      body: '{}',
    });
    const { code } = (await issued.json()) as { code: string };
    await title.click({ delay: 2_300 });
    await dialog.locator('input[name=enrolmentCode]').fill(code);
    await dialog.locator('[data-action="reenrol"]').click();
    await dialog.waitFor({ state: 'detached' });
    await kioskPage.locator('[data-service-code="id-card"]').waitFor();
    const fresh = await kioskPage.evaluate(() => localStorage.getItem('cw.deviceToken.kiosk'));
    expect(fresh).not.toBe(kioskToken);
    expect((await asDevice(stack.url, kioskToken, 'GET', '/api/v1/device/info')).status).toBe(401);
  });

  it('a device revoked in the console drops to its enrolment prompt and says so', async () => {
    await adminPage.reload();
    const row = adminPage.locator(`tr[data-device-id="${devices.board.id}"]`);
    await row.locator('[data-action="revoke-device"]').click();
    await row.locator('[data-action="confirm"]').click();
    await expect.poll(() => row.getAttribute('data-revoked'), { timeout: 10_000 }).toBe('true');
    await boardPage.locator('[data-notice="revoked"]').waitFor({ timeout: 10_000 });
    expect(await boardPage.locator('[data-notice="revoked"]').textContent()).toContain('thu hồi');
    expect(await boardPage.evaluate(() => localStorage.getItem('cw.deviceToken.board'))).toBeNull();
  });
});
