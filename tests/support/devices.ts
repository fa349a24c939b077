import type { Page } from 'playwright-core';
import {
  EnrollResponseSchema,
  IssuedEnrolmentSchema,
  type DeviceKind,
  type IssuedEnrolment,
} from '@counterwatch/shared';
import { send } from './http.js';

export interface EnrolledDevice {
  id: string;
  kind: DeviceKind;
  token: string;
}

/** An admin adds a device in the console; the one-time code comes back (shown once). */
export async function createDevice(
  baseUrl: string,
  adminCookie: string,
  device: { departmentId: string; kind: DeviceKind; counterId?: string; name?: string },
): Promise<IssuedEnrolment> {
  const res = await send(
    baseUrl,
    'POST',
    '/api/v1/admin/devices',
    JSON.stringify({
      departmentId: device.departmentId,
      kind: device.kind,
      counterId: device.counterId ?? null,
      name: device.name ?? `${device.kind} ${device.counterId ?? device.departmentId}`,
    }),
    { cookie: adminCookie },
  );
  if (res.status !== 201) throw new Error(`device not created: ${res.status} ${JSON.stringify(res.body)}`);
  return IssuedEnrolmentSchema.parse(res.body);
}

/** The device trades its code for its own token, as its page does. */
export async function enrolWithCode(
  baseUrl: string,
  code: string,
  kind?: DeviceKind,
): Promise<{ status: number; token?: string; body: Record<string, unknown> }> {
  const res = await send(baseUrl, 'POST', '/api/v1/device/enroll', JSON.stringify({ code, kind }));
  if (res.status !== 200) return { status: res.status, body: res.body };
  return { status: 200, token: EnrollResponseSchema.parse(res.body).token, body: res.body };
}

/** Creates and enrols a device in one go; returns its token. */
export async function enrolDevice(
  baseUrl: string,
  adminCookie: string,
  device: { departmentId: string; kind: DeviceKind; counterId?: string; name?: string },
): Promise<EnrolledDevice> {
  const issued = await createDevice(baseUrl, adminCookie, device);
  const enrolled = await enrolWithCode(baseUrl, issued.code, device.kind);
  if (!enrolled.token) throw new Error(`enrolment refused: ${enrolled.status}`);
  return { id: issued.device.id, kind: device.kind, token: enrolled.token };
}

/** A request as a device makes it: its own token as the bearer, no cookies. */
export function asDevice(
  baseUrl: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  return send(baseUrl, method, path, body === undefined ? undefined : JSON.stringify(body), {
    authorization: `Bearer ${token}`,
  });
}

/** Opens a device page already enrolled (its token handed over in the fragment, as the demo prints it). */
export async function openDevice(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}#token=${token}`);
  await page.locator('main.device-page').waitFor();
}

/** Presses a counter-panel action and waits for the panel to settle. */
export async function panelAction(page: Page, action: string): Promise<void> {
  const button = page.locator(`[data-action="${action}"]`);
  await button.waitFor();
  await button.click();
  await page.waitForFunction(
    () => Array.from(document.querySelectorAll<HTMLButtonElement>('[data-action]')).every((b) => !b.disabled),
    undefined,
    { timeout: 10_000 },
  );
}
