import { useEffect } from 'react';

/** The video-wall screen: `/?screen=wall`, just the tiles, no header or toolbar (a second monitor). */
export function isVideoWallScreen(): boolean {
  return new URLSearchParams(window.location.search).get('screen') === 'wall';
}

/** The chrome around the wall (header, banners) hides while the video-wall screen is shown. */
export function useVideoWallScreen(bare: boolean): void {
  useEffect(() => {
    if (!bare) return;
    document.documentElement.dataset.videoWall = 'true';
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
