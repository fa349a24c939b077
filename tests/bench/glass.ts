/**
 * npm run bench:glass — glass-to-glass latency per publisher path, measured
 * on this machine: from the camera's clock (the capture time the clock
 * picture carries in its pixels, agent/gst/clock_picture.py) to the moment
 * the console's screen shows that frame (requestVideoFrameCallback's
 * expected display time), read off every frame in Chromium. Camera, SFU and
 * console share this machine's clock, so no mapping is needed.
 *
 * Paths: the agent's GStreamer publisher drawing the clock picture itself (a
 * USB camera's path), an IP camera (GStreamer's RTSP server encoding the
 * clock picture in H.264) relayed by the agent's GStreamer publisher (the
 * default) and by its ffmpeg (without GStreamer), and the browser
 * publisher with a canvas as its camera. Focus view and wall tile. Figures,
 * not assertions.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Stack } from '@counterwatch/demo';
import { launchChromium, login } from '../support/browser.js';
import { CLOCK_BARS_SOURCE, readClockFrames, type ClockFrame } from '../support/clockBars.js';
import { RtspCameras } from '../support/rtspCameras.js';
import { percentile, table } from './stats.js';

const FRAMES = Number(process.env.BENCH_FRAMES ?? 300);
type Path =
  | 'gstreamer (clock picture)'
  | 'gstreamer (IP camera, RTSP)'
  | 'ffmpeg (IP camera, RTSP)'
  | 'browser (canvas camera)';

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The browser publisher's camera: a canvas drawing the clock picture whenever it is painted. */
const CANVAS_CAMERA = `
${CLOCK_BARS_SOURCE}
(() => {
  const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const width = 640, height = 360;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d');
    let count = 0;
    // A canvas stream without a rate makes a frame each time the canvas is painted: captured when drawn.
    const draw = () => window.__cwDrawClock(ctx, width, height, Date.now(), count++);
    draw();
    setInterval(draw, 50);
    const stream = canvas.captureStream();
    if (constraints && constraints.audio) {
      const sound = await real({ audio: constraints.audio });
      for (const track of sound.getAudioTracks()) stream.addTrack(track);
    }
    return stream;
  };
})();
`;

function summarise(frames: ClockFrame[]): { read: number[]; unreadable: number; width: number } {
  const read = frames.filter((f) => f.capturedAt !== null).map((f) => f.displayedAt - f.capturedAt!);
  return { read, unreadable: frames.length - read.length, width: frames[0]?.width ?? 0 };
}

async function main(): Promise<void> {
  log(`== Glass-to-glass (camera clock → console screen), ${FRAMES} frames per row ==`);
  log(
    `load average at start: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}, ${os.cpus().length} cores`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-glass-'));
  const cameras = await RtspCameras.start({
    password: randomBytes(12).toString('hex'),
    logFile: path.join(dir, 'rtsp.log'),
  });
  const stack = await Stack.create({ dir, departments: 1, countersPerDepartment: 4, logLevel: 'warn' });
  const publisherBrowser = await launchChromium({ fakeCamera: true });
  const viewerBrowser = await launchChromium();
  try {
    const [gst, gstCamera, ffmpeg, browser] = stack.provisioned.counters;
    if (!gst || !gstCamera || !ffmpeg || !browser) throw new Error('four counters expected');
    const pathOf = new Map<string, Path>([
      [gst.id, 'gstreamer (clock picture)'],
      [gstCamera.id, 'gstreamer (IP camera, RTSP)'],
      [ffmpeg.id, 'ffmpeg (IP camera, RTSP)'],
      [browser.id, 'browser (canvas camera)'],
    ]);
    await stack.startAgent(gst.id, ['--publisher', 'gstreamer', '--video', 'clock', '--audio', 'none']);
    // The same camera through both relays: GStreamer (the default) and ffmpeg (without GStreamer).
    await stack.startAgent(gstCamera.id, [
      '--publisher',
      'gstreamer',
      '--video',
      cameras.clockUrl(),
      '--audio',
      'none',
    ]);
    await stack.startAgent(ffmpeg.id, [
      '--publisher',
      'ffmpeg',
      '--video',
      cameras.clockUrl(),
      '--audio',
      'none',
    ]);
    const publisher = await publisherBrowser.newPage();
    await publisher.addInitScript(CANVAS_CAMERA);
    await publisher.goto(`${stack.url}/agent?counter=${browser.id}`);
    await publisher.fill('input[name=token]', fs.readFileSync(browser.tokenFile, 'utf8'));
    await publisher.click('button[type=submit]');
    await publisher.locator('[data-publisher-state="live"]').waitFor({ timeout: 60_000 });

    const password = stack.createUser('bench', ['director']);
    const viewer = await viewerBrowser.newPage({ viewport: { width: 1400, height: 900 } });
    await login(viewer, stack.url, 'bench', password).catch(() =>
      viewer.waitForSelector('.app-header [data-connection="connected"]', { timeout: 120_000 }),
    );

    const rows: (string | number)[][] = [
      ['path', 'view', 'frames read', 'unreadable', 'p50 ms', 'p95 ms', 'max ms', 'picture'],
    ];
    const p50s = new Map<string, number>();
    for (const c of stack.provisioned.counters) {
      const name = pathOf.get(c.id)!;
      const tileVideo = `.tile[data-counter-id="${c.id}"] video`;
      await viewer
        .locator(`.tile[data-counter-id="${c.id}"][data-status="online"]`)
        .waitFor({ timeout: 60_000 });
      await viewer.waitForFunction(
        (s) => (document.querySelector<HTMLVideoElement>(s)?.videoWidth ?? 0) > 0,
        tileVideo,
        {
          timeout: 60_000,
        },
      );
      const grid = summarise(await readClockFrames(viewer, tileVideo, FRAMES));
      await viewer.locator(`.tile[data-counter-id="${c.id}"]`).click();
      const focusVideo = `.focus-view[data-counter-id="${c.id}"] .focus-picture video[data-track="focus"]`;
      await viewer
        .waitForFunction(
          (s) => (document.querySelector<HTMLVideoElement>(s)?.videoWidth ?? 0) > 0,
          focusVideo,
          { timeout: 60_000 },
        )
        .catch(async () => {
          throw new Error(`no focus picture for ${name}: ${await viewer.locator('.focus-view').innerHTML()}`);
        });
      const focus = summarise(await readClockFrames(viewer, focusVideo, FRAMES));
      await viewer.keyboard.press('Escape');
      await viewer.locator('.focus-view').waitFor({ state: 'detached' });
      for (const [view, s] of [
        ['focus', focus],
        ['wall tile', grid],
      ] as const) {
        rows.push([
          name,
          view,
          s.read.length,
          s.unreadable,
          Math.round(percentile(s.read, 50)),
          Math.round(percentile(s.read, 95)),
          s.read.length ? Math.round(Math.max(...s.read)) : Number.NaN,
          `${s.width} wide`,
        ]);
        p50s.set(`${name} ${view}`, percentile(s.read, 50));
      }
    }
    log(table(rows));
    const goal = 60;
    const met = [...p50s.entries()]
      .filter(([k]) => k.endsWith('focus'))
      .map(([k, v]) => `${k.replace(' focus', '')} ${(v / goal).toFixed(2)}×`);
    log(`focus p50 against the 60 ms goal: ${met.join(', ')}`);
    log(
      `load average at end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await publisherBrowser.close();
    await viewerBrowser.close();
    await stack.stop();
    await cameras.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
