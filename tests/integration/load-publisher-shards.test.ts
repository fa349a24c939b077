import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Stack } from '@counterwatch/demo';
import { eventually, expectDecoding, launchChromium, login } from '../support/browser.js';
import { alive, childPids } from '../support/processes.js';
import { testStack } from '../support/stack.js';

type Media = { status: string; stats: { bitrateKbps: number } | null };

function media(page: Page): Promise<Record<string, Media>> {
  return page.evaluate(() => {
    const state = (
      window as unknown as { counterwatch: { state: () => { counters: Record<string, { media: Media }> } } }
    ).counterwatch.state();
    return Object.fromEntries(Object.entries(state.counters).map(([id, c]) => [id, c.media]));
  });
}

/**
 * The load publisher's relay split over processes (a province of hundreds
 * of counters): the first process keeps every counter's connection and the
 * one encoder and passes its packets on; each shard protects and sends the
 * counters dealt to it. Every counter, whichever shard relays it, streams;
 * the shards go with the publisher.
 */
describe('the load publisher over several processes', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('load-shards', {
      departments: 1,
      countersPerDepartment: 6,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    await stack.startLoadPublisher(
      stack.provisioned.counters.map((c) => c.id),
      { processes: 3 },
    );
    const password = stack.createUser('director', ['director']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await login(page, stack.url, 'director', password);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('publishes every counter from one encoder, whichever shard relays it', async () => {
    const ids = stack.provisioned.counters.map((c) => c.id);
    const publisher = stack.loadPublisher!;
    const shards = childPids(publisher.pid!, 'relay-shard');
    expect(shards.length).toBe(3);
    await eventually(
      'every counter online with a bitrate',
      async () => {
        const now = await media(page);
        return ids.every((id) => now[id]?.status === 'online' && (now[id]?.stats?.bitrateKbps ?? 0) > 50)
          ? true
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    // One encoder in all, the first process's; the shards take its packets.
    expect(childPids(publisher.pid!, 'ffmpeg').length).toBe(1);
    for (const shard of shards) expect(childPids(shard, 'ffmpeg')).toEqual([]);
    // Every tile decodes, whichever shard its counter was dealt to.
    const increases = await expectDecoding(page, ids, 'grid');
    for (const frames of increases.values()) expect(frames).toBeGreaterThan(5);
  });

  it('stopping the publisher stops its shards', async () => {
    const publisher = stack.loadPublisher!;
    const shards = childPids(publisher.pid!, 'relay-shard');
    expect(shards.length).toBe(3);
    await publisher.stop();
    await eventually('the shards gone', async () => (shards.some(alive) ? undefined : true), {
      timeoutMs: 15_000,
    });
  });
});
