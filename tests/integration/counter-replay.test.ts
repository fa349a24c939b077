import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { CounterTimelineSchema, PlaybackSchema, type CounterTimeline } from '@counterwatch/shared';
import type { Stack } from '@counterwatch/demo';
import { auditCount, withDatabase } from '../support/audit.js';
import { eventually, launchChromium, login } from '../support/browser.js';
import type { TestClock } from '../support/clock.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { events, postEvents } from '../support/queue.js';
import { testStack } from '../support/stack.js';

/**
 * From a live tile to the counter's continuous recording: the timeline of
 * what was recorded with the services on it, rewind, and a clip of any
 * moment — each playback on record, only within the viewer's scope. Real
 * agent, real ffmpeg recording, real Chromium.
 */
describe('replay from a live tile', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let browser: Browser;
  let director: string;
  let otherHead: string;
  let A: Stack['provisioned']['departments'][number];
  let counterId: string;
  const passwords: Record<string, string> = {};
  const MIN = 60_000;

  const timeline = async (from: number, to: number, cookie = director): Promise<CounterTimeline> => {
    const res = await getJson(
      stack.url,
      `/api/v1/counters/${counterId}/timeline?from=${from}&to=${to}`,
      cookie,
    );
    expect(res.status).toBe(200);
    return CounterTimelineSchema.parse(res.body);
  };

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('replay', {
      departments: 2,
      countersPerDepartment: 1,
      serverEnv: { CW_SEGMENT_SECONDS: '2' },
    }));
    A = stack.provisioned.departments[0]!;
    const B = stack.provisioned.departments[1]!;
    counterId = A.counters[0]!.id;
    passwords.director = stack.createUser('director', ['director']);
    director = await loginCookie(stack.url, 'director', passwords.director);
    otherHead = await loginCookie(stack.url, 'head2', stack.createUser('head2', ['head'], [B.id]));
    await stack.startAgent(counterId);

    // A service at the counter while it records: called, started, finished, rated unsatisfied.
    const e = events(A.id, 'qs', 'rp', clock.now);
    const now = clock.now();
    await postEvents(stack.url, A.apiKey, [
      e({ type: 'counter.opened', counterId }, now - 20 * MIN),
      e(
        { type: 'ticket.issued', ticketId: 'rp-t1', ticketNumber: 'A007', serviceCode: 'id-card' },
        now - 10 * MIN,
      ),
    ]);
    // Recording runs from the agent's first packets: wait for a few filed segments, then serve.
    await eventually(
      'segments filed',
      async () => {
        const t = await timeline(now - 30 * MIN, clock.now() + MIN);
        return t.recordedUntil !== null && t.spans.some((s) => s.to - s.from >= 4_000) ? t : undefined;
      },
      { timeoutMs: 60_000 },
    );
    const at = clock.now();
    await postEvents(stack.url, A.apiKey, [
      e({ type: 'ticket.called', ticketId: 'rp-t1', counterId }, at - 4_000),
      e({ type: 'service.started', ticketId: 'rp-t1', counterId }, at - 3_000),
      e({ type: 'service.finished', ticketId: 'rp-t1', counterId, outcome: 'completed' }, at - 1_000),
      e({ type: 'rating.submitted', ticketId: 'rp-t1', counterId, rating: 'unsatisfied' }, at),
    ]);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('the timeline shows what was recorded and the services, for those who may watch the counter', async () => {
    const t = await eventually('the service on the timeline', async () => {
      const found = await timeline(clock.now() - 30 * MIN, clock.now() + MIN);
      return found.interactions.length > 0 ? found : undefined;
    });
    expect(t.spans.length).toBeGreaterThan(0);
    for (const s of t.spans) expect(s.to).toBeGreaterThan(s.from);
    expect(t.interactions[0]).toMatchObject({ ticketNumber: 'A007', counterId, rating: 'unsatisfied' });
    expect(t.recordedUntil).toBeGreaterThan(clock.now() - MIN);

    // Another department's head: the counter does not exist for them; nothing is disclosed.
    const other = await getJson(
      stack.url,
      `/api/v1/counters/${counterId}/timeline?from=${clock.now() - MIN}&to=${clock.now()}`,
      otherHead,
    );
    expect(other.status).toBe(404);
    // Bad spans are refused with a clear 400.
    for (const q of [
      `from=${clock.now()}&to=${clock.now() - 1}`,
      `from=${clock.now() - 25 * 60 * MIN}&to=${clock.now()}`,
      'from=abc&to=1',
      `from=1&to=2&extra=1`,
    ]) {
      const res = await getJson(stack.url, `/api/v1/counters/${counterId}/timeline?${q}`, director);
      expect(res.status, q).toBe(400);
    }
  });

  it('rewind plays the last minutes up to the newest segment, on record; out of scope or too long is refused', async () => {
    const before = auditCount(stack.dataDir, 'recording.playback', counterId);
    const now = clock.now();
    const res = await send(
      stack.url,
      'POST',
      `/api/v1/counters/${counterId}/playback`,
      JSON.stringify({ from: now - 2 * MIN, to: now, purpose: 'rewind' }),
      { cookie: director },
    );
    expect(res.status).toBe(200);
    const playback = PlaybackSchema.parse(res.body);
    expect(playback.to).toBeLessThanOrEqual(now);
    expect(playback.to - playback.from).toBeGreaterThan(2_000);
    // One audit row naming the counter and the span played.
    expect(auditCount(stack.dataDir, 'recording.playback', counterId)).toBe(before + 1);
    const row = withDatabase(stack.dataDir, (db) =>
      db
        .prepare(
          `SELECT actor, details FROM audit_log WHERE action = 'recording.playback' AND object_id = ? ORDER BY seq DESC LIMIT 1`,
        )
        .get(counterId),
    ) as { actor: string; details: string };
    expect(row.actor).toBe('director');
    expect(JSON.parse(row.details)).toMatchObject({
      purpose: 'rewind',
      from: playback.from,
      to: playback.to,
    });

    // The clip is a real, decodable recording.
    const clip = await fetch(`${stack.url}${playback.url}`, { headers: { cookie: director } });
    expect(clip.status).toBe(200);
    const bytes = Buffer.from(await clip.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(10_000);
    const file = path.join(stack.dataDir, `replay-probe.${playback.container}`);
    fs.writeFileSync(file, bytes);
    const probe = execFileSync('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'stream=codec_type',
      '-of',
      'csv=p=0',
      file,
    ]).toString();
    expect(probe).toContain('video');

    const refused = [
      { cookie: otherHead, body: { from: now - MIN, to: now, purpose: 'rewind' }, status: 404 },
      { cookie: director, body: { from: now - 31 * MIN, to: now, purpose: 'timeline' }, status: 400 },
      { cookie: director, body: { from: now, to: now - 1, purpose: 'timeline' }, status: 400 },
      { cookie: director, body: { from: now - MIN, to: now, purpose: 'download' }, status: 400 },
    ];
    for (const r of refused) {
      const answer = await send(
        stack.url,
        'POST',
        `/api/v1/counters/${counterId}/playback`,
        JSON.stringify(r.body),
        { cookie: r.cookie },
      );
      expect(answer.status, JSON.stringify(r.body)).toBe(r.status);
    }
    // Nothing refused is on record as a playback.
    expect(auditCount(stack.dataDir, 'recording.playback', counterId)).toBe(before + 1);
  });

  it('in Chromium: the tile opens the replay, the clip plays, a service on the timeline plays its span, Back to live', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 } })).newPage();
    await login(page, stack.url, 'director', passwords.director!);
    const before = auditCount(stack.dataDir, 'recording.playback', counterId);
    await page.locator(`.tile[data-counter-id="${counterId}"]`).hover();
    await page.locator(`[data-action="replay"][data-counter-id="${counterId}"]`).click();

    // The focus view opens on the recording: the rewind clip plays (its time advances).
    await page.locator('.focus-view .replay[data-replay="ready"]').waitFor({ timeout: 60_000 });
    await eventually('the rewind clip plays', async () => {
      const time = await page
        .locator('.replay video[data-clip]')
        .evaluate((v: HTMLVideoElement) => v.currentTime);
      return time > 0.5 ? time : undefined;
    });
    expect(await page.locator('[data-fact="replay-span"]').textContent()).toMatch(
      /\d{2}:\d{2}:\d{2}–\d{2}:\d{2}:\d{2}/,
    );
    expect(await page.locator('.day-bar [data-span]').count()).toBeGreaterThan(0);

    // The service's ticket plays that service, with its events marked on the clip's bar.
    await page.locator('[data-action="play-service"][data-ticket="A007"]').click();
    await eventually('the service clip with its markers', async () => {
      const ready = await page.locator('.replay[data-replay="ready"]').count();
      const marks = await page.locator('.replay .timeline-markers [data-marker]').count();
      return ready === 1 && marks >= 2 ? marks : undefined;
    });
    await eventually('two playbacks on record', async () =>
      auditCount(stack.dataDir, 'recording.playback', counterId) >= before + 2 ? true : undefined,
    );

    // Back to live: the live picture returns in the same focus view.
    await page.locator('.focus-header [data-action="live"]').click();
    await page.locator('.focus-view video[data-track="focus"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('.replay').count()).toBe(0);
    await page.context().close();
  });
});
