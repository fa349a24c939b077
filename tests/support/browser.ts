import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

/** Debian's Chromium, headless, as this machine can run it (no GPU, no network besides loopback). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // A wall keeps decoding when the test window is not focused.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--autoplay-policy=no-user-gesture-required',
];

export async function launchChromium(options: { fakeCamera?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      ...CHROMIUM_FLAGS,
      ...(options.fakeCamera ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] : []),
    ],
  });
}

export async function login(page: Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('.app-header [data-connection="connected"]', { timeout: 30_000 });
}

export interface MediaStatsRow {
  counterId: string;
  track: 'audio' | 'grid' | 'focus';
  paused: boolean;
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
  firstFrameMs: number | null;
}

/** The console's own receive statistics (inbound-rtp per consumer). */
export function mediaStats(page: Page): Promise<MediaStatsRow[]> {
  return page.evaluate(async () => {
    const api = (window as unknown as { counterwatch: { mediaStats: () => Promise<MediaStatsRow[]> } })
      .counterwatch;
    return api.mediaStats();
  });
}

/**
 * Some browser calls have no timeout of their own (newContext, newPage, evaluate, close). A hang there
 * outlived a whole test once with nothing to say where; this names the step and fails it in time.
 */
export async function within<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Closes a test's browser context without letting the close hold the test: in full CI runs a context's
 * close (the wall's media torn down with it) twice never answered, after every step of its test had
 * passed. What the test checked is done by then; the browser goes with the file's `afterAll`.
 */
export async function closeContext(context: BrowserContext, ms = 20_000): Promise<void> {
  try {
    await within('closing the browser context', ms, context.close());
  } catch (error) {
    console.warn(`${(error as Error).message}; left to the browser's own close`);
  }
}

/** Polls until `check` returns a value (not undefined), or fails with the last state described. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 500 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      const reason = last instanceof Error ? `: ${last.message}` : '';
      throw new Error(`timed out waiting for ${what}${reason}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * Waits until every listed counter's track has decoded frames, then checks
 * that each keeps decoding (frames increase over `windowMs`).
 */
export async function expectDecoding(
  page: Page,
  counterIds: string[],
  track: 'grid' | 'focus',
  { timeoutMs = 45_000, windowMs = 2_000 } = {},
): Promise<Map<string, number>> {
  const first = await eventually(
    `${track} frames from ${counterIds.join(', ')}`,
    async () => {
      const rows = await mediaStats(page);
      const frames = new Map<string, number>();
      for (const id of counterIds) {
        const row = rows.find((r) => r.counterId === id && r.track === track);
        if (!row || row.framesDecoded === 0) return undefined;
        frames.set(id, row.framesDecoded);
      }
      return frames;
    },
    { timeoutMs },
  );
  await new Promise((r) => setTimeout(r, windowMs));
  const rows = await mediaStats(page);
  const increases = new Map<string, number>();
  for (const id of counterIds) {
    const now = rows.find((r) => r.counterId === id && r.track === track)?.framesDecoded ?? 0;
    increases.set(id, now - (first.get(id) ?? 0));
  }
  return increases;
}

/**
 * Opens the review queue and reloads it until a flagged interaction is listed; its first row. Counts only once the
 * list has answered: under load its fetch outlives the page's load event, and counting a table still loading made
 * such a wait reload for ever (CI, stop 14).
 */
export async function firstReviewRow(page: Page, url: string): Promise<Locator> {
  await page.goto(`${url}/reviews`);
  const row = page.locator('tr[data-interaction-id]').first();
  await eventually('interaction in the queue', async () => {
    await page.reload();
    await page.locator('table.review-table[aria-busy="false"]').waitFor({ timeout: 20_000 });
    return (await row.count()) > 0 ? true : undefined;
  });
  return row;
}
