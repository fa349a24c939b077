import { useEffect } from 'react';
import { useStore } from '../store/store';

/** The video-wall screen: `/?screen=wall`, just the tiles, no header or toolbar (a second monitor). */
export function isVideoWallScreen(): boolean {
  return new URLSearchParams(window.location.search).get('screen') === 'wall';
}

/** The video-wall screen's own settings: the view to show and the tour (seconds), from its URL. */
export function videoWallParams(): { view: number | null; tour: number | null } {
  const q = new URLSearchParams(window.location.search);
  const num = (raw: string | null, min: number, max: number): number | null => {
    const n = Number(raw);
    return raw !== null && Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
  };
  return { view: num(q.get('view'), 1, Number.MAX_SAFE_INTEGER), tour: num(q.get('tour'), 5, 600) };
}

/** The chrome around the wall (header, banners) hides while the video-wall screen is shown. */
export function useVideoWallScreen(bare: boolean): void {
  useEffect(() => {
    if (!bare) return;
    document.documentElement.dataset.videoWall = 'true';
    const { tour } = videoWallParams();
    if (tour !== null) useStore.getState().setTour(true, tour);
    return () => {
      delete document.documentElement.dataset.videoWall;
    };
  }, [bare]);
}

/** Opens the video-wall screen in its own window, to be dragged to (or opened on) another monitor. */
export function openVideoWallWindow(params: Record<string, string>): Window | null {
  const query = new URLSearchParams({ screen: 'wall', ...params });
  return window.open(`/?${query.toString()}`, 'counterwatch-video-wall', 'popup,width=1280,height=720');
}
