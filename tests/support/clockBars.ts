import type { Page } from 'playwright-core';

/**
 * Reading the clock picture (agent/gst/clock_picture.py) off the screen: its
 * top-left corner carries the capture time as 36 blocks a fortieth of the
 * width wide — 32 bits of milliseconds since the epoch (mod 2^32), lowest
 * first, and a 4-bit check (the sum of the time's nibbles, mod 16).
 */
export interface ClockFrame {
  /** The capture time read from the picture, ms since the epoch; null when the check failed. */
  capturedAt: number | null;
  /** When the screen shows the frame (requestVideoFrameCallback's expectedDisplayTime), ms since the epoch. */
  displayedAt: number;
  width: number;
}

/** Draws the clock picture's bars on a 2D canvas, as the camera would (the browser publisher's camera). */
export const CLOCK_BARS_SOURCE = `
(() => {
  const BLOCKS = 36;
  function encode(ms) {
    const value = ms % 4294967296;
    let check = 0;
    for (let i = 0; i < 8; i++) check += Math.floor(value / 2 ** (4 * i)) % 16;
    return { value, check: check % 16 };
  }
  window.__cwDrawClock = (ctx, width, height, ms, count) => {
    const b = Math.max(4, Math.floor(width / 40));
    ctx.fillStyle = 'rgb(96,96,96)';
    ctx.fillRect(0, 0, width, height);
    const { value, check } = encode(ms);
    for (let i = 0; i < BLOCKS; i++) {
      const bit = i < 32 ? Math.floor(value / 2 ** i) % 2 : (check >> (i - 32)) & 1;
      ctx.fillStyle = bit ? 'rgb(235,235,235)' : 'rgb(16,16,16)';
      ctx.fillRect(Math.floor(b / 2) + i * b, Math.floor(b / 2), b, b);
    }
    const side = Math.max(8, Math.floor(height / 6));
    ctx.fillStyle = 'rgb(235,235,235)';
    ctx.fillRect((count * 4) % Math.max(1, width - side), Math.floor(height / 2), side, side);
  };
})();
`;

/**
 * In the page: for the next `frames` frames the video matching `selector`
 * presents, reads the capture time off each and notes when it is displayed.
 */
export function readClockFrames(page: Page, selector: string, frames: number): Promise<ClockFrame[]> {
  return page.evaluate(
    async ({ selector, frames }) => {
      const video = document.querySelector<HTMLVideoElement>(selector);
      if (!video) throw new Error(`no video at ${selector}`);
      const canvas = document.createElement('canvas');
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) throw new Error('no 2D canvas');
      const out: { capturedAt: number | null; displayedAt: number; width: number }[] = [];
      const decode = (): number | null => {
        const w = video.videoWidth;
        const b = Math.max(4, Math.floor(w / 40));
        const top = Math.floor(b / 2);
        canvas.width = w;
        canvas.height = top + b;
        ctx.drawImage(video, 0, 0, w, top + b, 0, 0, w, top + b);
        const band = ctx.getImageData(0, top, w, b).data;
        // Each block's inner half, averaged: two encoders in a row (an IP camera's, then ours) blur edges.
        const inner = Math.max(1, Math.floor(b / 4));
        let value = 0;
        let check = 0;
        for (let i = 0; i < 36; i++) {
          const x0 = top + i * b;
          let total = 0;
          let n = 0;
          for (let y = inner; y < b - inner; y++) {
            for (let x = x0 + inner; x < x0 + b - inner; x++) {
              const o = (y * w + x) * 4;
              total += ((band[o] ?? 0) + (band[o + 1] ?? 0) + (band[o + 2] ?? 0)) / 3;
              n += 1;
            }
          }
          const bit = total / Math.max(1, n) > 128 ? 1 : 0;
          if (i < 32) value += bit * 2 ** i;
          else check += bit << (i - 32);
        }
        let sum = 0;
        for (let i = 0; i < 8; i++) sum += Math.floor(value / 2 ** (4 * i)) % 16;
        if (sum % 16 !== check) return null;
        // The picture carries the time mod 2^32 ms (49 days): unwrap it against our clock.
        const now = Date.now();
        let diff = (now % 4294967296) - value;
        if (diff < -2147483648) diff += 4294967296;
        if (diff > 2147483648) diff -= 4294967296;
        // A 4-bit check passes one garbled picture in 16: a time a minute off is not a reading.
        return Math.abs(diff) > 60_000 ? null : now - diff;
      };
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${out.length} frames in 60 s`)), 60_000);
        const step = (_now: number, metadata: VideoFrameCallbackMetadata): void => {
          const displayedAt = Date.now() + (metadata.expectedDisplayTime - performance.now());
          out.push({ capturedAt: decode(), displayedAt, width: video.videoWidth });
          if (out.length >= frames) {
            clearTimeout(timer);
            resolve();
          } else video.requestVideoFrameCallback(step);
        };
        video.requestVideoFrameCallback(step);
      });
      return out;
    },
    { selector, frames },
  );
}
