import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { AGENT_CLI, ManagedProcess, type Stack } from '@counterwatch/demo';
import { auditCount } from '../support/audit.js';
import { eventually, launchChromium } from '../support/browser.js';
import type { TestClock } from '../support/clock.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { testStack } from '../support/stack.js';

const run = promisify(execFile);

interface Entries {
  departments: { id: string; name: string; level: string; services: string[]; retiredAt: number | null }[];
  counters: {
    id: string;
    departmentId: string;
    name: string;
    retiredAt: number | null;
    hasToken: boolean;
    codeExpiresAt: number | null;
  }[];
}

/**
 * The directory managed in the console, in Chromium on the real stack: an
 * admin adds a department and a counter, imports a CSV (a bad one changes
 * nothing and names its lines), renames and retires; every change is on the
 * audit trail. The one-time code the console shows for a counter is redeemed
 * by the real agent CLI, which then connects with the stored credentials; the
 * code is refused a second time, and after expiry (the server restarted with
 * its clock moved on). The provisioning file, applied again at that restart,
 * overrides nothing the console changed.
 */
describe('the directory in the console, and enrolling a counter', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let browser: Browser;
  let page: Page;
  let adminPassword: string;
  let admin: string;
  let work: string;
  let agent: ManagedProcess | undefined;
  let provisioned: Stack['provisioned']['departments'][number];
  const credentials = () => path.join(work, 'config', 'counterwatch-agent', 'credentials.json');

  const entries = async (): Promise<Entries> =>
    (await getJson(stack.url, '/api/v1/admin/directory/entries', admin)).body as unknown as Entries;
  const enrollCli = (code: string) =>
    run(
      process.execPath,
      [AGENT_CLI, 'enroll', '--server', stack.url, '--code', code, '--credentials', credentials()],
      {
        env: { ...process.env, CW_CLOCK_OFFSET_MS: String(clock.offsetMs) },
        timeout: 60_000,
      },
    ).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: unknown) => {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
      },
    );

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('directory', {
      departments: 1,
      countersPerDepartment: 2,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    provisioned = stack.provisioned.departments[0]!;
    adminPassword = stack.createUser('admin', ['admin']);
    admin = await loginCookie(stack.url, 'admin', adminPassword);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-directory-work-'));
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    // An admin has no live view (no socket to wait for): the header is enough.
    await page.goto(`${stack.url}/`);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', adminPassword);
    await page.click('button[type=submit]');
    await page.locator('.app-header').waitFor();
  });

  afterAll(async () => {
    await agent?.stop();
    await browser?.close();
    await cleanup?.();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('an admin adds a department and a counter in the console', async () => {
    await page.goto(`${stack.url}/admin?tab=directory`);
    const addDepartment = page.locator('[data-form="add-department"]');
    await addDepartment.locator('input[name=id]').fill('xa-tan-an');
    await addDepartment.locator('input[name=name]').fill('Công an xã Tân An');
    await addDepartment.locator('input[name=services][value=passport]').check();
    await addDepartment.locator('[data-action="add-department"]').click();
    await page.locator('[data-department-id="xa-tan-an"]').waitFor();

    const addCounter = page.locator('[data-form="add-counter"]');
    await addCounter.locator('select[name=departmentId]').selectOption('xa-tan-an');
    await addCounter.locator('input[name=id]').fill('xa-tan-an-q1');
    await addCounter.locator('input[name=name]').fill('Quầy 1 — Hộ chiếu');
    await addCounter.locator('input[name=services][value=passport]').check();
    await addCounter.locator('[data-action="add-counter"]').click();
    await page.locator('tr[data-counter-id="xa-tan-an-q1"]').waitFor();

    const now = await entries();
    expect(now.departments.find((d) => d.id === 'xa-tan-an')).toMatchObject({
      name: 'Công an xã Tân An',
      level: 'commune',
      services: ['passport'],
      retiredAt: null,
    });
    expect(auditCount(stack.dataDir, 'department.create', 'xa-tan-an')).toBe(1);
    expect(auditCount(stack.dataDir, 'counter.create', 'xa-tan-an-q1')).toBe(1);
  });

  it('on one process the media nodes tab says so, and offers no refresh (nothing there refreshes)', async () => {
    await page.goto(`${stack.url}/admin?tab=nodes`);
    await page.locator('[data-nodes-empty="all"]').waitFor();
    expect(await page.locator('.nodes-refresh-note').count()).toBe(0);
    expect(await page.locator('.nodes-section .section-header button').count()).toBe(0);
    // Back where the next steps work.
    await page.goto(`${stack.url}/admin?tab=directory`);
    await page.locator('[data-form="add-department"]').waitFor();
  });

  it('imports a CSV: a bad file changes nothing and names its lines; a good one goes in whole', async () => {
    const header = 'kind,id,name,department,level,services,days,open,close';
    const bad = [
      header,
      'department,phuong-b,Công an phường B,,commune,id-card,1-5,07:30,17:00',
      'counter,phuong-b-q1,Quầy 1,phuong-x,,,,,',
      'counter,Bad Id,Quầy 2,phuong-b,,,,,',
    ].join('\n');
    const good = [
      header,
      'department,phuong-b,Công an phường B,,commune,id-card;temporary-residence,1-5,07:30,17:00',
      'department,pc06,Phòng Cảnh sát QLHC về TTXH,,provincial,passport;id-card,1-5,07:30,16:30',
      'counter,phuong-b-q1,"Quầy 1 — Căn cước, cư trú",phuong-b,,id-card;temporary-residence,,,',
      'counter,pc06-q1,Quầy hộ chiếu,pc06,,passport,,,',
    ].join('\n');
    const badFile = path.join(work, 'bad.csv');
    const goodFile = path.join(work, 'good.csv');
    fs.writeFileSync(badFile, bad);
    fs.writeFileSync(goodFile, `\uFEFF${good}\n`);

    const form = page.locator('[data-form="import-csv"]');
    await form.locator('input[name=csv]').setInputFiles(badFile);
    await form.locator('[data-action="import-csv"]').click();
    await page.locator('[data-import-errors]').waitFor();
    expect(
      await page
        .locator('[data-import-errors] li')
        .evaluateAll((li) => li.map((x) => x.getAttribute('data-line'))),
    ).toEqual(['3', '4']);
    expect((await entries()).departments.some((d) => d.id === 'phuong-b')).toBe(false);
    // The same over the API: a 400 with every error, and nothing on the trail.
    const refused = await send(
      stack.url,
      'POST',
      '/api/v1/admin/directory/import',
      JSON.stringify({ csv: bad }),
      { cookie: admin },
    );
    expect(refused.status).toBe(400);
    expect(
      (refused.body.error as { details: { errors: { line: number }[] } }).details.errors.map((e) => e.line),
    ).toEqual([3, 4]);
    expect(auditCount(stack.dataDir, 'directory.import')).toBe(0);

    await form.locator('input[name=csv]').setInputFiles(goodFile);
    await form.locator('[data-action="import-csv"]').click();
    await page.locator('[data-import-result]').waitFor();
    await page.locator('tr[data-counter-id="pc06-q1"]').waitFor();
    const after = await entries();
    expect(after.departments.find((d) => d.id === 'pc06')).toMatchObject({ level: 'provincial' });
    expect(after.counters.find((c) => c.id === 'phuong-b-q1')?.name).toBe('Quầy 1 — Căn cước, cư trú');
    expect(auditCount(stack.dataDir, 'directory.import')).toBe(1);
  });

  it('renames and retires in the console; the retired counter leaves the live side and keeps its history', async () => {
    const renamed = provisioned.counters[0]!.id;
    const retired = provisioned.counters[1]!.id;
    const row = page.locator(`tr[data-counter-id="${renamed}"]`);
    await row.locator('[data-action="rename-counter"]').click();
    await row.locator('input[name=name]').fill('Quầy 1 — Đổi tên trong bảng điều khiển');
    await row.locator('[data-action="save-name"]').click();
    await eventually('the new name', async () =>
      (await row.locator('th').textContent())?.includes('Đổi tên trong bảng điều khiển') ? true : undefined,
    );

    const target = page.locator(`tr[data-counter-id="${retired}"]`);
    await target.locator('[data-action="retire-counter"]').click();
    await target.locator('[data-action="confirm"][data-confirm-for="retire-counter"]').click();
    await target.waitFor({ state: 'detached' }); // hidden unless "show retired"
    await page.locator('input[name=showRetired]').check();
    await page.locator(`tr[data-counter-id="${retired}"][data-retired="true"]`).waitFor();

    expect((await entries()).counters.find((c) => c.id === retired)?.retiredAt).toEqual(expect.any(Number));
    // Gone from the live directory (wall, devices, tokens)…
    const live = (await getJson(stack.url, '/api/v1/admin/directory', admin)).body as {
      counters: { id: string }[];
    };
    expect(live.counters.map((c) => c.id)).not.toContain(retired);
    expect(live.counters.map((c) => c.id)).toContain('pc06-q1');
    const device = await send(
      stack.url,
      'POST',
      '/api/v1/admin/devices',
      JSON.stringify({ departmentId: provisioned.id, kind: 'panel', counterId: retired, name: 'Bảng quầy' }),
      { cookie: admin },
    );
    expect(device.status).toBe(400);
    // …still named where its history is read.
    const names = (await getJson(stack.url, '/api/v1/directory/names', admin)).body as {
      counters: { id: string }[];
    };
    expect(names.counters.map((c) => c.id)).toContain(retired);
    // Retired is final.
    const again = await send(
      stack.url,
      'PATCH',
      `/api/v1/admin/directory/counters/${retired}`,
      JSON.stringify({ name: 'x' }),
      { cookie: admin },
    );
    expect(again.status).toBe(409);

    expect(auditCount(stack.dataDir, 'counter.update', renamed)).toBe(1);
    expect(auditCount(stack.dataDir, 'counter.retire', retired)).toBe(1);
  });

  it('the code shown in the console enrols the real agent, which then connects with what it stored', async () => {
    const row = page.locator('tr[data-counter-id="xa-tan-an-q1"]');
    await row.locator('[data-action="counter-code"]').click();
    await row.locator('[data-action="confirm"][data-confirm-for="counter-code"]').click();
    const code = await page.locator('[data-enrolment-code]').getAttribute('data-enrolment-code');
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(await page.locator('[data-enrol-command]').textContent()).toContain(`--code ${code}`);

    const enrolled = await enrollCli(code!.toLowerCase().replaceAll('-', ' '));
    expect(enrolled.stderr).toBe('');
    expect(enrolled.code).toBe(0);
    expect(enrolled.stdout).toContain('enrolled as counter xa-tan-an-q1');
    expect(fs.statSync(credentials()).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(fs.readFileSync(credentials(), 'utf8')) as { token: string; counterId: string };
    expect(stored.counterId).toBe('xa-tan-an-q1');
    expect(enrolled.stdout).not.toContain(stored.token);
    expect(auditCount(stack.dataDir, 'counter.code_issue', 'xa-tan-an-q1')).toBe(1);
    expect(auditCount(stack.dataDir, 'counter.enrol', 'xa-tan-an-q1')).toBe(1);

    // No --counter, no --token-file: the credentials file says it all.
    agent = new ManagedProcess(
      'enrolled agent',
      AGENT_CLI,
      [
        '--credentials',
        credentials(),
        '--video',
        'test',
        '--audio',
        'test',
        '--state-dir',
        path.join(work, 'state'),
        '--events-port',
        '0',
      ],
      {
        env: { ...process.env, CW_CLOCK_OFFSET_MS: String(clock.offsetMs) },
        logFile: path.join(work, 'agent.log'),
      },
    );
    await eventually(
      'the enrolled agent online',
      async () => {
        const live = (await getJson(stack.url, '/api/v1/admin/directory', admin)).body as {
          counters: { id: string; online: boolean; hasToken: boolean }[];
        };
        return live.counters.find((c) => c.id === 'xa-tan-an-q1' && c.online && c.hasToken);
      },
      { timeoutMs: 60_000 },
    );

    // The same code a second time: refused, and the stored credentials stay as they were.
    const second = await enrollCli(code!);
    expect(second.code).toBe(77);
    expect(second.stderr).toMatch(
      /enrolment refused \(401\): this enrolment code is unknown, used or expired/,
    );
    expect((JSON.parse(fs.readFileSync(credentials(), 'utf8')) as { token: string }).token).toBe(
      stored.token,
    );
  });

  it('a code not used within 15 minutes is refused (the server restarted 16 minutes later); the file seed overrides nothing', async () => {
    const issued = await send(stack.url, 'POST', '/api/v1/admin/directory/counters/pc06-q1/code', '{}', {
      cookie: admin,
    });
    expect(issued.status).toBe(200);
    const code = issued.body.code as string;

    await agent?.stop();
    agent = undefined;
    await stack.stopServer();
    // The server applies CW_DIRECTORY_FILE again at this start.
    await stack.startServer({ CW_CLOCK_OFFSET_MS: String(clock.offsetMs + 16 * 60_000) });

    const late = await enrollCli(code);
    expect(late.code).toBe(77);
    expect(late.stderr).toMatch(/refused \(401\)/);
    expect(auditCount(stack.dataDir, 'counter.enrol', 'pc06-q1')).toBe(0);

    const after = await entries();
    const renamed = after.counters.find((c) => c.id === provisioned.counters[0]!.id);
    const retired = after.counters.find((c) => c.id === provisioned.counters[1]!.id);
    expect(renamed?.name).toBe('Quầy 1 — Đổi tên trong bảng điều khiển');
    expect(retired?.retiredAt).toEqual(expect.any(Number));
    expect(after.counters.find((c) => c.id === 'xa-tan-an-q1')?.hasToken).toBe(true);
  });
});
