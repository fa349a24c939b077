import type { StateCreator } from 'zustand';
import { WALL_LAYOUTS, type WallLayout } from '../wall/layout';
import { WALL_SORTS, type WallSort, type WallView } from '@counterwatch/shared';
import { remember, storedChoice, storedString } from './persist';
import type { AppState } from './store';

/** What the wall shows and how: layout, order, chosen counters, page, saved view, tour. */
export interface WallSlice {
  /** 'auto' fills the screen with every tile; 'N' is an N×N grid with pages; 'size' the tile-size flow. */
  wallLayout: WallLayout;
  wallSort: WallSort;
  /** The counters chosen for the wall, in this order; null = every counter in scope. */
  wallCounterIds: string[] | null;
  /** The page of tiles shown when they do not fit one screen. */
  wallPage: number;
  /** The saved view applied, if any (remembered on this device, restored after a reload). */
  wallViewId: number | null;
  /** The user's saved views (server-side), once loaded. */
  wallViews: WallView[] | null;
  /** The tour: cycle through saved views (or pages) every `tourSeconds`. */
  touring: boolean;
  tourSeconds: number;
  /** Departments folded to their header in the tile-size layout (remembered on this device). */
  collapsedDepartments: string[];
  setWallLayout: (layout: WallLayout) => void;
  setWallSort: (sort: WallSort) => void;
  setWallPage: (page: number) => void;
  setWallCounters: (counterIds: string[] | null) => void;
  applyWallView: (
    view: { id: number; layout: WallLayout; sort: WallSort; counterIds: string[] | null } | null,
  ) => void;
  setTour: (touring: boolean, seconds?: number) => void;
  setWallViews: (views: WallView[]) => void;
  /** Folds or unfolds one department; `all` sets every given department at once. */
  setCollapsed: (departmentIds: string[], collapsed: boolean) => void;
}

const LAYOUT_KEY = 'cw.wallLayout';
const SORT_KEY = 'cw.wallSort';
const VIEW_KEY = 'cw.wallView';
const COLLAPSED_KEY = 'cw.wallCollapsed';

function storedCollapsed(): string[] {
  try {
    const value: unknown = JSON.parse(storedString(COLLAPSED_KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 5000) : [];
  } catch {
    return []; // an unreadable value is forgotten, never an error
  }
}

function storedViewId(): number | null {
  const value = Number(storedString(VIEW_KEY));
  return Number.isSafeInteger(value) && value > 0 ? value : null;
}

export const createWallSlice: StateCreator<AppState, [], [], WallSlice> = (set) => ({
  wallLayout: storedChoice<WallLayout>(LAYOUT_KEY, WALL_LAYOUTS, 'auto'),
  wallSort: storedChoice<WallSort>(SORT_KEY, WALL_SORTS, 'department'),
  wallCounterIds: null,
  wallPage: 0,
  wallViewId: storedViewId(),
  wallViews: null,
  touring: false,
  tourSeconds: 20,
  collapsedDepartments: storedCollapsed(),
  setWallLayout: (wallLayout) => {
    remember(LAYOUT_KEY, wallLayout);
    set({ wallLayout, wallPage: 0 });
  },
  setWallSort: (wallSort) => {
    remember(SORT_KEY, wallSort);
    set({ wallSort });
  },
  setWallPage: (wallPage) => set({ wallPage }),
  setWallCounters: (wallCounterIds) => set({ wallCounterIds, wallPage: 0 }),
  applyWallView: (view) => {
    remember(VIEW_KEY, view ? String(view.id) : '');
    if (!view) {
      set({ wallViewId: null, wallCounterIds: null, wallPage: 0 });
      return;
    }
    set({
      wallViewId: view.id,
      wallLayout: view.layout,
      wallSort: view.sort,
      wallCounterIds: view.counterIds,
      wallPage: 0,
    });
  },
  setTour: (touring, seconds) => set((s) => ({ touring, tourSeconds: seconds ?? s.tourSeconds })),
  setWallViews: (wallViews) => set({ wallViews }),
  setCollapsed: (departmentIds, collapsed) =>
    set((s) => {
      const next = new Set(s.collapsedDepartments);
      for (const id of departmentIds) {
        if (collapsed) next.add(id);
        else next.delete(id);
      }
      const collapsedDepartments = [...next];
      remember(COLLAPSED_KEY, JSON.stringify(collapsedDepartments));
      return { collapsedDepartments };
    }),
});
