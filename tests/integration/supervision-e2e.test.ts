import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { auditCount } from '../support/audit.js';
import { eventually, expectDecoding, firstReviewRow, launchChromium, login } from '../support/browser.js';
import { enrolDevice, openDevice, panelAction } from '../support/devices.js';
import { loginCookie } from '../support/http.js';
import { testStack } from '../support/stack.js';

/**
 * The supervisors' work end to end in Chromium, with real recording:
 * a department head sees only their department; an inspector inspects a
 * counter unannounced and files a report; an unsatisfied rating puts the
 * interaction in the review queue, its clip plays, and a finding is recorded.
 */
describe('supervision end to end', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let A: Stack['provisioned']['departments'][number];
  let B: Stack['provisioned']['departments'][number];
  let counterId: string;
  const passwords: Record<string, string> = {};

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('supervision', {
      departments: 2,
      countersPerDepartment: 2,
      serverEnv: { CW_SEGMENT_SECONDS: '2' },
    }));
    [A, B] = stack.provisioned.departments as [typeof A, typeof B];
    counterId = A.counters[0]!.id;
    await stack.startAgent(counterId);
    await stack.startAgent(B.counters[0]!.id);
    passwords.head = stack.createUser('truongphong', ['head'], [A.id]);
    passwords.inspector = stack.createUser('thanhtra', ['inspector']);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  async function session(username: string): Promise<Page> {
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await login(page, stack.url, username, passwords[username === 'truongphong' ? 'head' : 'inspector']!);
    return page;
  }

  it('a department head sees only their own department', async () => {
    const page = await session('truongphong');
    await page.locator(`.tile[data-counter-id="${counterId}"]`).waitFor();
    expect(await page.locator('.wall .department-header').count()).toBe(1);
    expect(await page.locator(`[data-department-id="${A.id}"]`).count()).toBe(1);
    expect(await page.locator(`[data-department-id="${B.id}"]`).count()).toBe(0);
    expect(await page.locator(`.tile[data-counter-id="${B.counters[0]!.id}"]`).count()).toBe(0);
    await expectDecoding(page, [counterId], 'grid');
    await page.context().close();
  });

  it('an inspector inspects a counter unannounced, flags a moment with a still, ends and opens the report', async () => {
    const page = await session('thanhtra');
    const audioBefore = auditCount(stack.dataDir, 'live.audio_start');
    await page.locator(`.tile[data-counter-id="${counterId}"]`).hover();
    await page.locator(`[data-action="inspect"][data-counter-id="${counterId}"]`).click();
    const panel = page.locator('[data-inspection-state="running"][data-inspection-id]');
    await panel.waitFor({ timeout: 15_000 });
    const inspectionId = await panel.getAttribute('data-inspection-id');
    // Inspecting opens the focus view with sound, and the listening is on record.
    await expectDecoding(page, [counterId], 'focus');
    await eventually('audio on record', async () =>
      auditCount(stack.dataDir, 'live.audio_start') > audioBefore ? true : undefined,
    );

    await page.locator('[data-check-item="greeting"] input[value="pass"]').check();
    await page.locator('[data-check-item="uniform"] input[value="fail"]').check();
    await page.locator('[data-field="moment-note"]').fill('Cán bộ không đeo biển tên');
    await page.locator('[data-action="flag-moment"]').click();
    await page.locator('li[data-observation-id]').first().waitFor({ timeout: 15_000 });
    await page.locator('[data-field="notes"]').fill('Nhắc nhở về trang phục.');
    await page.locator('[data-action="end-inspection"]').click();

    const report = page.locator(`article[data-inspection-id="${inspectionId}"]`);
    await report.waitFor({ timeout: 15_000 });
    expect(await report.locator('tr[data-check-item="uniform"]').getAttribute('data-result')).toBe('fail');
    expect(await report.textContent()).toContain('Cán bộ không đeo biển tên');
    // The still captured from the video is in the report.
    const still = report.locator('img').first();
    await still.waitFor();
    expect(await still.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const html = await page.evaluate(
      async (id) => (await fetch(`/api/v1/inspections/${id}/report.html`)).text(),
      inspectionId,
    );
    expect(html).toContain('Biên bản kiểm tra đột xuất');
    expect(html).toContain('data:image/jpeg;base64,');
    await page.context().close();
  });

  // Three device pages, a recording and a review: on a loaded CI machine this outlasts the default 120 s.
  it('an unsatisfied rating puts the interaction in the review queue; its clip plays; a finding is recorded', async () => {
    const admin = await loginCookie(stack.url, 'admin', stack.createUser('admin', ['admin']));
    const enrol = (kind: 'kiosk' | 'panel' | 'rating') =>
      enrolDevice(stack.url, admin, {
        departmentId: A.id,
        kind,
        ...(kind === 'kiosk' ? {} : { counterId }),
      });
    const [kiosk, panel, pad] = [await enrol('kiosk'), await enrol('panel'), await enrol('rating')];
    const device = await browser.newPage();
    await openDevice(device, `${stack.url}/kiosk`, kiosk.token);
    await device.locator('[data-service-code="id-card"]').click();
    await device.locator('.receipt[data-ticket-number]').waitFor();
    await openDevice(device, `${stack.url}/panel`, panel.token);
    await panelAction(device, 'open');
    await panelAction(device, 'call-next');
    await panelAction(device, 'start');
    // Let the service run for a while on camera.
    await new Promise((r) => setTimeout(r, 8_000));
    await device.locator('[data-action="finish"]').click();
    await device.locator('[data-outcome="completed"]').click();
    await openDevice(device, `${stack.url}/rating`, pad.token);
    // The rating is recorded at the tap; the comment follows on its own.
    await device.locator('[data-rating="unsatisfied"]').click();
    const send = device.locator('[data-action="send"]');
    await send.waitFor();
    await device.locator('textarea').fill('Cán bộ cáu gắt');
    await send.click();
    await device.locator('[data-rating-step="thanks"]').waitFor();

    const page = await session('thanhtra');
    // The list answers late, as on a loaded machine: the wait must not count a table still loading.
    await page.route('**/api/v1/reviews?*', async (route) => {
      await new Promise((r) => setTimeout(r, 1_000));
      await route.continue();
    });
    const row = await firstReviewRow(page, stack.url);
    expect(await row.locator('[data-reason="unsatisfied_rating"]').count()).toBe(1);
    const playbacks = auditCount(stack.dataDir, 'recording.playback');
    await row.locator('[data-action="open-review"]').click();

    const video = page.locator('video[data-clip]');
    await video.waitFor({ timeout: 30_000 });
    await page.locator('[data-recording="ready"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-action="play"]').click();
    const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await eventually('video time advances', async () => {
      const t = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
      return t > t0 + 1 ? t : undefined;
    });
    expect(auditCount(stack.dataDir, 'recording.playback')).toBe(playbacks + 1);
    expect(await page.locator('[data-marker="started"]').count()).toBe(1);
    expect(await page.locator('[data-marker="finished"]').count()).toBe(1);
    // The comment written after the tap is on the review.
    expect(await page.locator('main').textContent()).toContain('Cán bộ cáu gắt');

    // Export: one tar with the clip, the interaction, its events and a manifest that checks; on record.
    const exports = auditCount(stack.dataDir, 'recording.export');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.locator('[data-action="export"]').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^interaction-\d+\.tar$/);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-export-'));
    try {
      const tarFile = path.join(out, download.suggestedFilename());
      await download.saveAs(tarFile);
      const untar = spawnSync('tar', ['-xf', tarFile, '-C', out], { encoding: 'utf8' });
      expect(untar.status, untar.stderr).toBe(0);
      const base = path.join(out, download.suggestedFilename().replace(/\.tar$/, ''));
      expect(fs.readdirSync(base).sort()).toEqual([
        'MANIFEST.sha256',
        'clip.webm',
        'events.json',
        'interaction.json',
      ]);
      for (const line of fs.readFileSync(path.join(base, 'MANIFEST.sha256'), 'utf8').trim().split('\n')) {
        const [hash, name] = line.split('  ');
        const actual = createHash('sha256')
          .update(fs.readFileSync(path.join(base, name!)))
          .digest('hex');
        expect(actual, name).toBe(hash);
      }
      expect(fs.statSync(path.join(base, 'clip.webm')).size).toBeGreaterThan(10_000);
      const events = JSON.parse(fs.readFileSync(path.join(base, 'events.json'), 'utf8')) as {
        type: string;
      }[];
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['ticket.issued', 'ticket.called', 'service.started', 'service.finished']),
      );
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
    expect(auditCount(stack.dataDir, 'recording.export')).toBe(exports + 1);

    const decisions = auditCount(stack.dataDir, 'review.decision');
    await page.locator('input[data-finding="reminder"]').check();
    await page.locator('textarea[name="note"]').fill('Đã nhắc nhở cán bộ về thái độ.');
    await page.locator('[data-action="decide"]').click();
    await page.locator('[data-decision]').first().waitFor({ timeout: 10_000 });
    expect(auditCount(stack.dataDir, 'review.decision')).toBe(decisions + 1);
  }, 240_000);
});
