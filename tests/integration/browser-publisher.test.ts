import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { expectDecoding, launchChromium, login, mediaStats } from '../support/browser.js';
import { testStack } from '../support/stack.js';

/** A counter PC without the agent publishes from the /agent page (webcam + mic via mediasoup-client). */
describe('browser publisher page', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let publisherBrowser: Browser;
  let viewerBrowser: Browser;
  let publisher: Page;
  let viewer: Page;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('browserpub', { departments: 1, countersPerDepartment: 2 }));
    const password = stack.createUser('director', ['director']);
    publisherBrowser = await launchChromium({ fakeCamera: true });
    viewerBrowser = await launchChromium();
    publisher = await publisherBrowser.newPage();
    viewer = await viewerBrowser.newPage({ viewport: { width: 1400, height: 900 } });
    await login(viewer, stack.url, 'director', password);
  });

  afterAll(async () => {
    await publisherBrowser?.close();
    await viewerBrowser?.close();
    await cleanup?.();
  });

  it('refuses a wrong token and says so', async () => {
    const counter = stack.provisioned.counters[0]!;
    await publisher.goto(`${stack.url}/agent?counter=${counter.id}`);
    await publisher.fill('input[name=token]', 'wrong-token-wrong-token-wrong');
    await publisher.click('button[type=submit]');
    await publisher.getByText(/unknown counter or wrong token/).waitFor({ timeout: 15_000 });
    await publisher.getByRole('button', { name: /Dừng phát|Stop/ }).click();
  });

  it('publishes the fake camera and microphone; the wall shows it live with sound', async () => {
    const counter = stack.provisioned.counters[0]!;
    await publisher.goto(`${stack.url}/agent?counter=${counter.id}`);
    await publisher.fill('input[name=token]', fs.readFileSync(counter.tokenFile, 'utf8'));
    await publisher.click('button[type=submit]');
    await publisher.locator('[data-publisher-state="live"]').waitFor({ timeout: 20_000 });

    await viewer
      .locator(`.tile[data-counter-id="${counter.id}"][data-status="online"]`)
      .waitFor({ timeout: 20_000 });
    const grid = await expectDecoding(viewer, [counter.id], 'grid');
    expect(grid.get(counter.id)).toBeGreaterThan(5);
    // The other counter has no publisher: its tile is a placeholder.
    const other = stack.provisioned.counters[1]!;
    await viewer.locator(`.tile[data-counter-id="${other.id}"] [data-placeholder]`).waitFor();

    await viewer.locator(`.tile[data-counter-id="${counter.id}"]`).click();
    const focus = await expectDecoding(viewer, [counter.id], 'focus');
    expect(focus.get(counter.id)).toBeGreaterThan(5);
    await viewer.getByRole('button', { name: /Nghe âm thanh|Listen/ }).click();
    await expect
      .poll(async () => (await mediaStats(viewer)).find((r) => r.track === 'audio')?.packetsReceived ?? 0, {
        timeout: 15_000,
      })
      .toBeGreaterThan(20);
    await viewer.keyboard.press('Escape');
  });
});
