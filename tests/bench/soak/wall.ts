import type { Browser } from 'playwright-core';
import { expectDecoding, login, mediaStats } from '../../support/browser.js';

/** The real console in Chromium: logs in, shows the wall, closes (its own browser context each time). */
async function withWall<T>(
  browser: Browser,
  url: string,
  user: { username: string; password: string },
  use: (page: import('playwright-core').Page) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await login(page, url, user.username, user.password);
    return await use(page);
  } finally {
    await context.close();
  }
}

/**
 * A supervisor glances at the wall during the churn: how many of the tiles
 * online at that moment decode after `holdMs` (agents come and go meanwhile,
 * so this is a figure, not a verdict).
 */
export function peekWall(
  browser: Browser,
  url: string,
  user: { username: string; password: string },
  online: () => string[],
  holdMs: number,
): Promise<{ decoding: number; online: number }> {
  return withWall(browser, url, user, async (page) => {
    await new Promise((r) => setTimeout(r, holdMs));
    const expected = online();
    const rows = await mediaStats(page);
    const decoding = expected.filter((id) =>
      rows.some((r) => r.counterId === id && r.track === 'grid' && r.framesDecoded > 0),
    ).length;
    return { decoding, online: expected.length };
  });
}

/** The verdict at the end: every counter's grid tile decodes and keeps decoding (frames gained in 2 s). */
export function checkWall(
  browser: Browser,
  url: string,
  user: { username: string; password: string },
  counterIds: string[],
): Promise<Map<string, number>> {
  return withWall(browser, url, user, (page) =>
    expectDecoding(page, counterIds, 'grid', { timeoutMs: 60_000, windowMs: 2_000 }),
  );
}
