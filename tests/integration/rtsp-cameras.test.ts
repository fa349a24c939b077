import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AgentSource, MediaTrack } from '@counterwatch/shared';
import type { Stack } from '@counterwatch/demo';
import { eventually, expectDecoding, launchChromium, login } from '../support/browser.js';
import { childPids } from '../support/processes.js';
import { OPEN_CAMERAS, RtspCameras, type OpenCamera } from '../support/rtspCameras.js';
import { testStack } from '../support/stack.js';

type Media = {
  status: string;
  epoch: number;
  tracks: MediaTrack[];
  agent: { encoder: { state: string; lastExit: string | null }; source?: AgentSource } | null;
};

/** The server's view of every counter, as the console received it. */
async function mediaState(page: Page): Promise<Record<string, Media>> {
  return page.evaluate(() => {
    const state = (
      window as unknown as { counterwatch: { state: () => { counters: Record<string, { media: Media }> } } }
    ).counterwatch.state();
    return Object.fromEntries(Object.entries(state.counters).map(([id, c]) => [id, c.media]));
  });
}

/** What each test camera sends, as ffprobe names it. */
const EXPECTED: Record<OpenCamera, { video: string; audio: string | null }> = {
  h264: { video: 'h264', audio: null },
  'h264-aac': { video: 'h264', audio: 'aac' },
  'h265-pcmu': { video: 'hevc', audio: 'pcm_mulaw' },
  'mjpeg-pcma': { video: 'mjpeg', audio: 'pcm_alaw' },
  'h264-opus': { video: 'h264', audio: 'opus' },
};

// Passwords with characters a URL must encode, so both forms are searched for.
const RIGHT_PASSWORD = 'Right/pw:7@cam';
const WRONG_PASSWORD = 'Wrong/pw:9@cam';
const forms = (password: string): string[] => [password, encodeURIComponent(password)];

/**
 * Real IP cameras (GStreamer's RTSP server) in front of real agents, the
 * server and the console in Chromium: every kind of camera publishes, the one
 * without a microphone shows live video marked "no microphone", a camera that
 * drops and returns comes back by itself, and a wrong password is a clear,
 * slowly retried error that never prints the password.
 */
describe('IP cameras over RTSP', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let cameras: RtspCameras;
  let browser: Browser;
  let page: Page;
  type Camera = OpenCamera | 'secure' | 'secure-ffmpeg' | 'wrong';
  const counterOf = new Map<Camera, string>();
  const id = (camera: Camera): string => counterOf.get(camera)!;
  const agentLog = (counterId: string): string =>
    fs.readFileSync(path.join(stack.dir, 'logs', `agent-${counterId}.log`), 'utf8');
  /** The agent's log entries with this message (pino JSON lines). */
  const logEntries = (counterId: string, msg: string): Record<string, unknown>[] =>
    agentLog(counterId)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((e) => e.msg === msg);
  const REFUSED = 'camera refused the credentials: check the user and password in the camera URL';

  /** An agent whose camera URL (with its password) is in a 0600 config file, not on its command line. */
  async function startWithConfig(counterId: string, url: string, publisher = 'auto'): Promise<void> {
    const file = path.join(stack.dir, `agent-${counterId}.json`);
    fs.writeFileSync(file, JSON.stringify({ video: url, audio: 'rtsp', publisher }), { mode: 0o600 });
    await stack.startAgent(counterId, ['--config', file, '--log-level', 'debug'], { testSources: false });
  }

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('rtsp', {
      departments: 1,
      countersPerDepartment: OPEN_CAMERAS.length + 3,
      // Small renditions: seven cameras are decoded and re-encoded on a 2-core machine.
      focusRendition: '320x180@10:250',
      gridRendition: '192x108@10:100',
    }));
    const counters = stack.provisioned.counters.map((c) => c.id);
    OPEN_CAMERAS.forEach((camera, i) => counterOf.set(camera, counters[i]!));
    counterOf.set('secure', counters[OPEN_CAMERAS.length]!);
    counterOf.set('secure-ffmpeg', counters[OPEN_CAMERAS.length + 1]!);
    counterOf.set('wrong', counters[OPEN_CAMERAS.length + 2]!);

    cameras = await RtspCameras.start({
      password: RIGHT_PASSWORD,
      logFile: path.join(stack.dir, 'logs', 'rtsp-cameras.log'),
    });
    // Run as the README says: the camera's own sound, whatever it turns out to have (GStreamer relays it).
    for (const camera of OPEN_CAMERAS) {
      await stack.startAgent(id(camera), ['--video', cameras.url(camera), '--audio', 'rtsp'], {
        testSources: false,
      });
    }
    await startWithConfig(id('secure'), cameras.secureUrl(RIGHT_PASSWORD));
    // The relay of a machine without GStreamer: ffmpeg.
    await startWithConfig(id('secure-ffmpeg'), cameras.secureUrl(RIGHT_PASSWORD), 'ffmpeg');
    await startWithConfig(id('wrong'), cameras.secureUrl(WRONG_PASSWORD));

    const password = stack.createUser('director', ['director']);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await login(page, stack.url, 'director', password);
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
    await cameras?.stop();
  });

  it('every kind of camera is online with video, with its sound where it has a microphone', async () => {
    const publishing = [...OPEN_CAMERAS, 'secure', 'secure-ffmpeg'] as const;
    const state = await eventually(
      'every camera published',
      async () => {
        const now = await mediaState(page);
        return publishing.every((camera) => {
          const m = now[id(camera)];
          const audio = camera.startsWith('secure') ? 'aac' : EXPECTED[camera as OpenCamera].audio;
          return (
            m?.status === 'online' &&
            m.tracks.includes('grid') &&
            m.tracks.includes('focus') &&
            m.tracks.includes('audio') === (audio !== null)
          );
        })
          ? now
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    for (const camera of OPEN_CAMERAS) {
      const { video, audio } = EXPECTED[camera];
      expect(state[id(camera)]!.agent!.source, camera).toEqual({
        kind: 'rtsp',
        videoCodec: video,
        audioCodec: audio,
        audio: audio !== null,
        problem: audio === null ? 'no_microphone' : null,
      });
    }
    for (const camera of ['secure', 'secure-ffmpeg'] as const) {
      expect(state[id(camera)]!.agent!.source, camera).toMatchObject({
        videoCodec: 'h264',
        audioCodec: 'aac',
        audio: true,
      });
    }

    // Decoded in the browser: H.264, H.265 and MJPEG alike, re-encoded by the agents (GStreamer and ffmpeg).
    const frames = await expectDecoding(page, publishing.map(id), 'grid', { timeoutMs: 60_000 });
    for (const camera of publishing) expect(frames.get(id(camera)), camera).toBeGreaterThan(3);
  });

  it('the camera without a microphone shows live video on the wall, marked "no microphone"', async () => {
    const counterId = id('h264');
    const tile = page.locator(`.tile-cell[data-counter-id="${counterId}"]`);
    await tile.locator('.tile[data-status="online"] video.tile-video').waitFor();
    await tile.locator('.tile-source-problem[data-source-problem="no_microphone"]').waitFor();
    // The cameras with a microphone carry no such mark.
    expect(
      await page.locator(`.tile-cell[data-counter-id="${id('h264-aac')}"] .tile-source-problem`).count(),
    ).toBe(0);
    const log = agentLog(counterId);
    expect(log).toContain('the camera has no microphone: publishing video only');
    expect(log).not.toContain('matches no streams');
  });

  it('the password reaches either publisher privately (stdin, a 0600 file): in no process listing and no log line', async () => {
    // GStreamer (the default) reads its plan, the camera's URL in it, on stdin.
    const gst = childPids(stack.agents.get(id('secure'))!.pid!, 'python3');
    expect(gst).toHaveLength(1);
    const gstArgs = fs.readFileSync(`/proc/${gst[0]!}/cmdline`, 'utf8').split('\0').filter(Boolean);
    expect(gstArgs.at(-1)).toMatch(/gst_publisher\.py$/);
    expect(gstArgs).toHaveLength(2);
    // ffmpeg opens a private list file naming the camera.
    const ffmpeg = childPids(stack.agents.get(id('secure-ffmpeg'))!.pid!, 'ffmpeg');
    expect(ffmpeg).toHaveLength(1);
    const cmdline = fs.readFileSync(`/proc/${ffmpeg[0]!}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain('concat');
    // Every process on the machine, as `ps` shows them to any user; and the publishers' environments.
    const listing = execFileSync('ps', ['-eo', 'pid,args', '--no-headers'], { encoding: 'utf8' });
    const environments = [gst[0]!, ffmpeg[0]!].map((pid) => fs.readFileSync(`/proc/${pid}/environ`, 'utf8'));
    for (const secret of [...forms(RIGHT_PASSWORD), ...forms(WRONG_PASSWORD)]) {
      expect(listing).not.toContain(secret);
      for (const environment of environments) expect(environment).not.toContain(secret);
      for (const camera of ['secure', 'secure-ffmpeg'] as const)
        expect(agentLog(id(camera))).not.toContain(secret);
    }
  });

  it('a wrong password: "camera refused the credentials", retried once a minute, never printed', async () => {
    const counterId = id('wrong');
    await eventually('the refusal in the console', async () => {
      const m = (await mediaState(page))[counterId];
      return m?.agent?.source?.problem === 'credentials_refused' ? m : undefined;
    });
    const placeholder = page.locator(
      `.tile-cell[data-counter-id="${counterId}"] [data-placeholder][data-source-problem="credentials_refused"]`,
    );
    await placeholder.waitFor();
    const log = agentLog(counterId);
    expect(logEntries(counterId, REFUSED)[0]).toMatchObject({
      level: 50,
      problem: 'credentials_refused',
      detail: 'camera: Server returned 401 Unauthorized (authorization failed)',
      retryInMs: 60_000,
    });
    const scheduled = logEntries(counterId, 'gstreamer restart scheduled');
    expect(scheduled.length).toBeGreaterThan(0);
    for (const entry of scheduled) expect(entry).toMatchObject({ retryInMs: 60_000 });
    // It never got as far as starting its publisher.
    expect(childPids(stack.agents.get(counterId)!.pid!, 'python3')).toEqual([]);
    expect(log).not.toContain('starting gstreamer');
    for (const secret of [...forms(WRONG_PASSWORD), ...forms(RIGHT_PASSWORD)]) {
      expect(log).not.toContain(secret);
    }
  });

  it('the cameras drop and return on the same port: every counter comes back by itself, with its new streams', async () => {
    const open = OPEN_CAMERAS.map(id);
    const before = await mediaState(page);
    await cameras.stop();
    await eventually(
      'every agent finds its camera unreachable',
      async () => {
        const now = await mediaState(page);
        return open.every((c) => now[c]?.agent?.source?.problem === 'unreachable') ? true : undefined;
      },
      { timeoutMs: 45_000 },
    );
    // Back on the same address, and the camera that had no microphone now has one (AAC).
    await cameras.resume({ h264Mic: true });
    const after = await eventually(
      'every counter republished',
      async () => {
        const now = await mediaState(page);
        return open.every(
          (c) => now[c]?.status === 'online' && (now[c]?.epoch ?? 0) > (before[c]?.epoch ?? 0),
        ) && now[id('h264')]?.tracks.includes('audio')
          ? now
          : undefined;
      },
      { timeoutMs: 60_000 },
    );
    // Probed again on restart: the camera's new microphone is published.
    expect(after[id('h264')]!.agent!.source).toMatchObject({ audioCodec: 'aac', audio: true, problem: null });
    const frames = await expectDecoding(page, open, 'grid', { timeoutMs: 60_000 });
    for (const c of open) expect(frames.get(c), c).toBeGreaterThan(3);
    await page
      .locator(`.tile-cell[data-counter-id="${id('h264')}"] .tile-source-problem`)
      .waitFor({ state: 'detached' });

    // All this while, the agent with the wrong password asked at most once a minute.
    const refusals = logEntries(id('wrong'), REFUSED).map((e) => e.time as number);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.length).toBeLessThanOrEqual(1 + Math.floor((Date.now() - refusals[0]!) / 60_000));
  });
});
