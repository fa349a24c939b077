import type { Page } from 'playwright-core';

/** What the wall page measures about itself, read twice around a window. */
export interface WallSample {
  at: number;
  /** Per video element on screen with a picture: frames shown and dropped so far. */
  videos: { counterId: string; total: number; dropped: number }[];
  /** Tiles on screen, and those whose consumer is paused (off screen ones are not mounted or paused). */
  tilesOnScreen: number;
  /** Tiles on screen by their counter's status (online, reconnecting, offline…). */
  statusOnScreen: Record<string, number>;
  renders: Record<string, number>;
  longTaskMs: number;
}

/** Installed before the console loads: long tasks and the moments a tile's serving number changes. */
export const WALL_PAGE_PROBE = `
  window.__cwLongTaskMs = 0;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__cwLongTaskMs += e.duration;
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  window.__cwServing = [];
  new MutationObserver((records) => {
    const at = performance.timeOrigin + performance.now();
    for (const r of records) {
      const el = r.target;
      if (el.dataset && el.dataset.serving) window.__cwServing.push([el.dataset.serving, at]);
    }
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-serving'] });
`;

export function sampleWall(page: Page): Promise<WallSample> {
  return page.evaluate(() => {
    const w = window as unknown as { __cwRenders?: Record<string, number>; __cwLongTaskMs?: number };
    const videos: WallSample['videos'] = [];
    let tilesOnScreen = 0;
    const statusOnScreen: Record<string, number> = {};
    for (const tile of Array.from(document.querySelectorAll<HTMLElement>('.wall .tile[data-counter-id]'))) {
      const rect = tile.getBoundingClientRect();
      if (rect.bottom < 0 || rect.top > window.innerHeight || rect.width === 0) continue;
      tilesOnScreen += 1;
      const status = tile.dataset.status ?? 'unknown';
      statusOnScreen[status] = (statusOnScreen[status] ?? 0) + 1;
      const video = tile.querySelector('video');
      if (!video || !video.srcObject) continue;
      const q = video.getVideoPlaybackQuality();
      videos.push({
        counterId: tile.dataset.counterId ?? '',
        total: q.totalVideoFrames,
        dropped: q.droppedVideoFrames,
      });
    }
    return {
      at: performance.now(),
      videos,
      tilesOnScreen,
      statusOnScreen,
      renders: { ...(w.__cwRenders ?? {}) },
      longTaskMs: w.__cwLongTaskMs ?? 0,
    };
  });
}

/** Serving numbers seen on tiles since the last call, with the wall-clock moment (ms) each appeared. */
export function takeServingChanges(page: Page): Promise<[string, number][]> {
  return page.evaluate(() => {
    const w = window as unknown as { __cwServing: [string, number][] };
    return w.__cwServing.splice(0);
  });
}
