/**
 * Render counts of the wall's parts, for the wall benchmark: how many React
 * renders live patches cost (`window.__cwRenders`). A counter increment per
 * render; nothing else, so it is left on in production.
 */
declare global {
  interface Window {
    __cwRenders?: Record<string, number>;
  }
}

export function countRender(part: string): void {
  const counts = (window.__cwRenders ??= {});
  counts[part] = (counts[part] ?? 0) + 1;
}
