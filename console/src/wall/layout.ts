/**
 * Wall layouts: 'auto' fills the space with every tile (pages only when
 * tiles would get smaller than a readable minimum), 'N' an N×N grid with
 * pages, 'size' the tile-size flow grouped by department (scrolls).
 */
export { WALL_LAYOUTS, type WallLayout } from '@counterwatch/shared';
import type { WallLayout } from '@counterwatch/shared';

export interface GridFit {
  cols: number;
  rows: number;
  /** Tiles per page. */
  perPage: number;
}

/** Height of a tile's caption and borders: the rest is picture. */
export const TILE_CHROME_PX = 30;
export const GRID_GAP_PX = 8;
/** Below this width a tile's facts stop being readable: 'auto' pages instead. */
export const MIN_TILE_WIDTH_PX = 240;
const ASPECT = 16 / 9;

/** The picture area a tile of this cell gets when the 16:9 picture is fitted inside it. */
function pictureArea(cellW: number, cellH: number): number {
  const h = Math.max(0, cellH - TILE_CHROME_PX);
  const w = Math.min(cellW, h * ASPECT);
  return w * (w / ASPECT);
}

function cell(width: number, height: number, cols: number, rows: number): { w: number; h: number } {
  return {
    w: (width - GRID_GAP_PX * (cols - 1)) / cols,
    h: (height - GRID_GAP_PX * (rows - 1)) / rows,
  };
}

/** The columns × rows that give `count` tiles the largest pictures in width × height. */
export function bestGrid(count: number, width: number, height: number): { cols: number; rows: number } {
  const n = Math.max(1, count);
  let best = { cols: 1, rows: n, area: -1 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const { w, h } = cell(width, height, cols, rows);
    const area = pictureArea(w, h);
    // Equal pictures: fewer empty cells.
    if (
      area > best.area + 0.5 ||
      (Math.abs(area - best.area) <= 0.5 && cols * rows < best.cols * best.rows)
    ) {
      best = { cols, rows, area };
    }
  }
  return { cols: best.cols, rows: best.rows };
}

/** The grid for a layout, `count` tiles and the space available. */
export function fitGrid(
  layout: Exclude<WallLayout, 'size'>,
  count: number,
  width: number,
  height: number,
): GridFit {
  if (layout !== 'auto') {
    const n = Number(layout);
    return { cols: n, rows: n, perPage: n * n };
  }
  let perPage = Math.max(1, count);
  for (;;) {
    const { cols, rows } = bestGrid(perPage, width, height);
    const { w, h } = cell(width, height, cols, rows);
    const pictureW = Math.min(w, Math.max(0, h - TILE_CHROME_PX) * ASPECT);
    if (pictureW >= MIN_TILE_WIDTH_PX || perPage === 1) return { cols, rows, perPage };
    perPage -= 1;
  }
}

export function pageCount(count: number, perPage: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, perPage)));
}
