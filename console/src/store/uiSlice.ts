import type { StateCreator } from 'zustand';
import type { Lang } from '../i18n/lang';
import { remember, storedChoice } from './persist';
import type { AppState } from './store';

export type TileSize = 'S' | 'M' | 'L';

export interface UiSlice {
  lang: Lang;
  tileSize: TileSize;
  /** The counter shown large, with its full rendition. */
  focusedCounterId: string | null;
  /** Keyboard cursor on the wall. */
  selectedCounterId: string | null;
  /** Audio is opt-in, one counter at a time, never the whole wall. */
  listeningCounterId: string | null;
  /** The focused counter shows its recording (rewind, timeline) instead of live. */
  replayCounterId: string | null;
  setLang: (lang: Lang) => void;
  setTileSize: (size: TileSize) => void;
  focusCounter: (counterId: string | null) => void;
  selectCounter: (counterId: string | null) => void;
  setListening: (counterId: string | null) => void;
  /** Opens the counter's recording in its focus view (focusing it), or returns it to live with null. */
  replayCounter: (counterId: string | null) => void;
}

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  lang: storedChoice<Lang>('cw.lang', ['vi', 'en'], 'vi'),
  tileSize: storedChoice<TileSize>('cw.tileSize', ['S', 'M', 'L'], 'M'),
  focusedCounterId: null,
  selectedCounterId: null,
  listeningCounterId: null,
  replayCounterId: null,
  setLang: (lang) => {
    remember('cw.lang', lang);
    document.documentElement.lang = lang;
    set({ lang });
  },
  setTileSize: (tileSize) => {
    remember('cw.tileSize', tileSize);
    set({ tileSize });
  },
  focusCounter: (focusedCounterId) =>
    set((s) => ({
      focusedCounterId,
      selectedCounterId: focusedCounterId ?? s.selectedCounterId,
      // Leaving the focus view stops listening.
      listeningCounterId: focusedCounterId === null ? null : s.listeningCounterId,
      // A refused Inspect or a pending "leave?" belongs to the view that asked.
      ...(focusedCounterId === s.focusedCounterId
        ? {}
        : { inspectionStart: null, leaveRequest: null, replayCounterId: null }),
    })),
  selectCounter: (selectedCounterId) => set({ selectedCounterId }),
  setListening: (listeningCounterId) => set({ listeningCounterId }),
  replayCounter: (replayCounterId) =>
    set((s) =>
      replayCounterId === null
        ? { replayCounterId }
        : {
            replayCounterId,
            focusedCounterId: replayCounterId,
            selectedCounterId: replayCounterId,
            ...(replayCounterId === s.focusedCounterId ? {} : { inspectionStart: null, leaveRequest: null }),
          },
    ),
});
