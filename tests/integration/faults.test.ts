import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { eventually, expectDecoding, launchChromium, login } from '../support/browser.js';
import { alive, childPids } from '../support/processes.js';
import { testStack } from '../support/stack.js';

type Media = { status: string; epoch: number };

async function mediaState(page: Page): Promise<Record<string, Media>> {
  return page.evaluate(() => {
    const state = (
      window as unknown as { counterwatch: { state: () => { counters: Record<string, { media: Media }> } } }
    ).counterwatch.state();
    return Object.fromEntries(Object.entries(state.counters).map(([id, c]) => [id, c.media]));
  });
}

/** Every counter republished (epoch moved past `before`) and is decoding again. */
async function recovered(page: Page, counterIds: string[], before: Record<string, Media>): Promise<void> {
  await eventually(
    'every counter republished',
    async () => {
      const now = await mediaState(page);
      return counterIds.every(
        (id) => now[id]?.status === 'online' && (now[id]?.epoch ?? 0) > (before[id]?.epoch ?? 0),
      )
        ? true
        : undefined;
    },
    { timeoutMs: 60_000 },
  );
  const increases = await expectDecoding(page, counterIds, 'grid', { timeoutMs: 60_000 });
  for (const id of counterIds) expect(increases.get(id), id).toBeGreaterThan(5);
}

describe('faults: the wall heals itself', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let page: Page;
  let counterIds: string[];
  let password: string;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('faults', { departments: 1, countersPerDepartment: 3 }));
    counterIds = stack.provisioned.counters.map((c) => c.id);
    await stack.startAgents();
    password = stack.createUser('director', ['director']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await login(page, stack.url, 'director', password);
    await expectDecoding(page, counterIds, 'grid');
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('SIGKILL of the mediasoup worker: a new worker takes over and every tile decodes again', async () => {
    const workers = childPids(stack.server.pid!, 'mediasoup-worker');
    expect(workers).toHaveLength(1);
    const before = await mediaState(page);
    process.kill(workers[0]!, 'SIGKILL');
    await eventually('replacement worker', async () => {
      const now = childPids(stack.server.pid!, 'mediasoup-worker');
      return now.length === 1 && now[0] !== workers[0] ? now : undefined;
    });
    expect(stack.server.running).toBe(true);
    await recovered(page, counterIds, before);
  });

  it('SIGKILL of an agent: its tile goes to reconnecting, and recovers when the agent starts again', async () => {
    const id = counterIds[1]!;
    const agent = stack.agents.get(id)!;
    // The agent's publisher: GStreamer for its test source (ffmpeg would be found the same way).
    const publisher = childPids(agent.pid!, 'gst_publisher');
    expect(publisher).toHaveLength(1);
    const before = await mediaState(page);
    agent.kill('SIGKILL');
    await agent.exited;
    // setpriv's parent-death signal stops the orphaned publisher too.
    await eventually('the publisher gone with its agent', async () =>
      alive(publisher[0]!) ? undefined : true,
    );
    await page
      .locator(`.tile[data-counter-id="${id}"][data-status="reconnecting"]`)
      .waitFor({ timeout: 15_000 });
    await page.locator(`.tile[data-counter-id="${id}"] [data-placeholder]`).waitFor();
    await stack.startAgent(id);
    await recovered(page, [id], before);
  });

  it('server stop and restart: agents and the console reconnect by themselves', async () => {
    const before = await mediaState(page);
    await stack.stopServer();
    await page.locator('.app-header [data-connection="reconnecting"]').waitFor({ timeout: 15_000 });
    await stack.startServer();
    await page.locator('.app-header [data-connection="connected"]').waitFor({ timeout: 60_000 });
    // Epochs restart with the server, so wait for online + decoding rather than a larger epoch.
    await eventually(
      'every counter online again',
      async () => {
        const now = await mediaState(page);
        return counterIds.every((id) => now[id]?.status === 'online') ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
    const increases = await expectDecoding(page, counterIds, 'grid', { timeoutMs: 60_000 });
    for (const id of counterIds) expect(increases.get(id), id).toBeGreaterThan(5);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(counterIds));
  });

  it('server stopped while the console sets up a consumer: after the restart every tile decodes again', async () => {
    // A console of its own whose peer connection takes 1.5 s to set up each consumer (a loaded machine), so
    // the stop lands while one is being set up. A connection closed under a pending operation never settles
    // it (Chromium does so), so that is what a closed one gets here.
    const slow = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    try {
      await slow.addInitScript(() => {
        const state = { settingUp: 0 };
        Object.assign(window, { slowSdp: state });
        const prototype = RTCPeerConnection.prototype;
        const original = Object.getOwnPropertyDescriptor(prototype, 'setRemoteDescription')?.value as (
          this: RTCPeerConnection,
          description: RTCSessionDescriptionInit,
        ) => Promise<void>;
        Object.defineProperty(prototype, 'setRemoteDescription', {
          configurable: true,
          writable: true,
          value: function (this: RTCPeerConnection, description: RTCSessionDescriptionInit): Promise<void> {
            // Only a consumer's setup (a new media section, not mediasoup-client's probator); pausing, resuming
            // and closing consumers renegotiate too, but nothing waits on those.
            const before = this.remoteDescription?.sdp ?? '';
            const after = description.sdp ?? '';
            const sections = (sdp: string): number => sdp.split('\nm=').length;
            const probator = (sdp: string): boolean => sdp.includes('a=mid:probator');
            if (sections(after) <= sections(before) || probator(after) !== probator(before)) {
              return original.call(this, description);
            }
            state.settingUp += 1;
            return new Promise((resolve) => setTimeout(resolve, 1_500)).then(() => {
              state.settingUp -= 1;
              if (this.signalingState === 'closed') return new Promise<void>(() => undefined);
              return original.call(this, description);
            });
          },
        });
      });
      await login(slow, stack.url, 'director', password);
      await expectDecoding(slow, counterIds, 'grid');

      await stack.stopServer();
      await slow.locator('.app-header [data-connection="reconnecting"]').waitFor({ timeout: 15_000 });
      await stack.startServer();
      // The counters come back one by one; stop again while the console sets up one of their consumers.
      await eventually(
        'a consumer being set up',
        async () =>
          (await slow.evaluate(
            () => (window as unknown as { slowSdp: { settingUp: number } }).slowSdp.settingUp,
          )) > 0
            ? true
            : undefined,
        { timeoutMs: 60_000, intervalMs: 50 },
      );
      await stack.stopServer();
      await slow.locator('.app-header [data-connection="reconnecting"]').waitFor({ timeout: 15_000 });
      await stack.startServer();
      await slow.locator('.app-header [data-connection="connected"]').waitFor({ timeout: 60_000 });
      await eventually(
        'every counter online again',
        async () => {
          const now = await mediaState(slow);
          return counterIds.every((id) => now[id]?.status === 'online') ? true : undefined;
        },
        { timeoutMs: 60_000 },
      );
      const increases = await expectDecoding(slow, counterIds, 'grid', { timeoutMs: 60_000 });
      for (const id of counterIds) expect(increases.get(id), id).toBeGreaterThan(5);
    } finally {
      await slow.close();
    }
  });
});
