import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { DirectoryAdminSchema } from '@counterwatch/shared';
import { eventually, launchChromium, login } from '../support/browser.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { testStack } from '../support/stack.js';

/**
 * After a token rotation the counter's agent still offers the old token: the
 * server refuses it, and says so to the admin and on the wall ("Mã khóa bị
 * từ chối"), rather than the "Mất tín hiệu" of a counter that went quiet.
 */
describe('a counter whose token was refused', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let admin: string;
  let directorPassword: string;
  let counterId: string;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('token-refused', {
      departments: 1,
      countersPerDepartment: 1,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    counterId = stack.provisioned.counters[0]!.id;
    await stack.startAgent(counterId);
    admin = await loginCookie(stack.url, 'admin', stack.createUser('admin', ['admin']));
    directorPassword = stack.createUser('director', ['director']);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  const row = async () => {
    const res = await getJson(stack.url, '/api/v1/admin/directory', admin);
    return DirectoryAdminSchema.parse(res.body).counters.find((c) => c.id === counterId)!;
  };

  it('is shown as refused, not as lost, to the admin and on the wall', async () => {
    await eventually('agent online', async () => ((await row()).online ? true : undefined), {
      timeoutMs: 60_000,
    });
    expect((await row()).credentialRefusedAt ?? null).toBeNull();

    const rotated = await send(stack.url, 'POST', `/api/v1/admin/counters/${counterId}/token`, '{}', {
      cookie: admin,
    });
    expect(rotated.status).toBe(200);
    // The agent is dropped and comes back with the token it has: refused.
    const refused = await eventually(
      'the refusal shown to the admin',
      async () => {
        const r = await row();
        return !r.online && r.credentialRefusedAt != null ? r : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(refused.credentialRefusedAt).toBeGreaterThan(0);

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await login(page, stack.url, 'director', directorPassword);
    const tile = page.locator(`.tile[data-counter-id="${counterId}"]`);
    await tile.locator('[data-status="refused"]').waitFor({ timeout: 30_000 });
    expect(await tile.innerText()).toContain('Mã khóa bị từ chối');
    expect(await tile.innerText()).not.toContain('Mất tín hiệu');
    await page.close();
  });
});
