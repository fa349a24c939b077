/**
 * A still from the focus video for an observation: a JPEG data URL the
 * server accepts (≤ 600 kB decoded). Sized down to 1280 px wide; quality,
 * then size, step down until it fits.
 */
export const STILL_MAX_WIDTH = 1280;
/** Under the server's 600 000-byte limit, with room to spare. */
export const STILL_MAX_BYTES = 580_000;

const ATTEMPTS: readonly { scale: number; quality: number }[] = [
  { scale: 1, quality: 0.8 },
  { scale: 1, quality: 0.6 },
  { scale: 0.75, quality: 0.6 },
  { scale: 0.5, quality: 0.5 },
];

/** The picture's size scaled to at most `maxWidth` wide, ratio kept, in whole pixels. */
export function stillSize(
  width: number,
  height: number,
  maxWidth = STILL_MAX_WIDTH,
): { width: number; height: number } {
  if (width <= 0 || height <= 0) return { width: 0, height: 0 };
  const factor = Math.min(1, maxWidth / width);
  return { width: Math.max(1, Math.round(width * factor)), height: Math.max(1, Math.round(height * factor)) };
}

/** Bytes a base64 data URL decodes to. */
export function dataUrlBytes(dataUrl: string): number {
  const comma = dataUrl.indexOf(',');
  const payload = comma < 0 ? '' : dataUrl.slice(comma + 1);
  const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
  return Math.floor((payload.length * 3) / 4) - padding;
}

/** The frame on screen now, or null when the video shows none yet (no picture, still connecting). */
export function captureStill(video: HTMLVideoElement): string | null {
  if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) return null;
  const base = stillSize(video.videoWidth, video.videoHeight);
  if (base.width === 0) return null;
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d');
  if (!context) return null;
  for (const { scale, quality } of ATTEMPTS) {
    canvas.width = Math.max(1, Math.round(base.width * scale));
    canvas.height = Math.max(1, Math.round(base.height * scale));
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const url = canvas.toDataURL('image/jpeg', quality);
    // A browser without JPEG encoding answers PNG: the server takes JPEG only.
    if (!url.startsWith('data:image/jpeg;base64,')) return null;
    if (dataUrlBytes(url) <= STILL_MAX_BYTES) return url;
  }
  return null;
}
