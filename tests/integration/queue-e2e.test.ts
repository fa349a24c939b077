import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { eventually, launchChromium, login } from '../support/browser.js';
import { enrolDevice, openDevice, panelAction, type EnrolledDevice } from '../support/devices.js';
import { loginCookie } from '../support/http.js';
import { testStack } from '../support/stack.js';

/**
 * A citizen's visit through the built-in department devices, end to end in
 * Chromium: take a number at the kiosk, be called and served at the counter
 * panel, rate at the pad — and the director's console shows each step.
 */
describe('queue end to end: kiosk → counter panel → rating pad → console', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let device: Page;
  let console_: Page;
  let dept: Stack['provisioned']['departments'][number];
  let counterId: string;
  let ticket: string;
  const devices = {} as Record<'kiosk' | 'panel' | 'rating', EnrolledDevice>;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('queue-e2e', {
      departments: 1,
      countersPerDepartment: 2,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    dept = stack.provisioned.departments[0]!;
    counterId = dept.counters[0]!.id; // serves id-card
    // Each device enrolled on its own by an admin (Admin › Devices), with its own narrow token.
    const admin = await loginCookie(stack.url, 'admin', stack.createUser('admin', ['admin']));
    devices.kiosk = await enrolDevice(stack.url, admin, { departmentId: dept.id, kind: 'kiosk' });
    devices.panel = await enrolDevice(stack.url, admin, { departmentId: dept.id, kind: 'panel', counterId });
    devices.rating = await enrolDevice(stack.url, admin, {
      departmentId: dept.id,
      kind: 'rating',
      counterId,
    });
    browser = await launchChromium();
    device = await browser.newPage({ viewport: { width: 1024, height: 768 } });
    console_ = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await login(console_, stack.url, 'director', stack.createUser('director', ['director']));
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  const tile = () => console_.locator(`.tile[data-counter-id="${counterId}"]`);

  it('takes a number at the kiosk; the tile shows one waiting', async () => {
    await openDevice(device, `${stack.url}/kiosk`, devices.kiosk.token);
    await device.locator('[data-service-code="id-card"]').click();
    const receipt = device.locator('.receipt[data-ticket-number]');
    await receipt.waitFor();
    ticket = (await receipt.getAttribute('data-ticket-number')) ?? '';
    expect(ticket).toMatch(/^[A-Z]\d{3}$/);
    await eventually('tile counts the waiting citizen', async () =>
      (await tile().getAttribute('data-queue-length')) === '1' ? true : undefined,
    );
  });

  it('calls and serves it at the counter panel; the tile shows the ticket at the desk', async () => {
    await openDevice(device, `${stack.url}/panel`, devices.panel.token);
    await panelAction(device, 'open');
    await panelAction(device, 'call-next');
    await eventually('tile shows the called ticket', async () =>
      (await tile().getAttribute('data-serving')) === ticket ? true : undefined,
    );
    expect(await tile().getAttribute('data-queue-length')).toBe('0');
    await panelAction(device, 'start');
    await eventually('tile shows serving', async () =>
      (await tile().getAttribute('data-queue-state')) === 'serving' ? true : undefined,
    );
    await device.locator('[data-action="finish"]').click();
    await device.locator('[data-outcome="completed"]').click();
    await eventually('tile idle again', async () =>
      (await tile().getAttribute('data-serving')) === '' ? true : undefined,
    );
  });

  it('rates it at the pad; the department charts show the service and the rating', async () => {
    await openDevice(device, `${stack.url}/rating`, devices.rating.token);
    await device.locator('[data-rating="satisfied"]').click();
    await device.locator('[data-rating-step="thanks"]').waitFor();

    await console_.goto(`${stack.url}/departments`);
    const served = console_.locator('[data-chart="served"]');
    await served.waitFor();
    // One bar for the one citizen served this hour, and a full satisfaction share.
    await eventually('served chart has a bar', async () =>
      (await served.locator('.recharts-bar-rectangle').count()) > 0 ? true : undefined,
    );
    const satisfaction = console_.locator('[data-chart="satisfaction"]');
    await eventually('satisfaction shows 100%', async () =>
      ((await satisfaction.textContent()) ?? '').includes('100') ? true : undefined,
    );
  });
});
