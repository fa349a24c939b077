import { useEffect } from 'react';
import {
  WallViewListSchema,
  WallViewResponseSchema,
  type WallView,
  type WallViewBody,
  OkSchema,
} from '@counterwatch/shared';
import { apiRequest } from '../api/http';
import { useStore } from '../store/store';

/** Loads the user's saved views once the wall opens; re-applies the one last used (or named in the URL). */
export function useWallViews(preferred: number | null): void {
  useEffect(() => {
    let cancelled = false;
    apiRequest('GET', '/api/v1/wall-views', WallViewListSchema)
      .then(({ views }) => {
        if (cancelled) return;
        const state = useStore.getState();
        state.setWallViews(views);
        const wanted = preferred ?? state.wallViewId;
        const view = views.find((v) => v.id === wanted);
        if (view) state.applyWallView(view);
        else if (state.wallViewId !== null) state.applyWallView(null);
      })
      .catch((error: unknown) => console.warn('wall views', error));
    return () => {
      cancelled = true;
    };
  }, [preferred]);
}

/** The wall as it is now, as a view body. */
export function currentBody(name: string): WallViewBody {
  const s = useStore.getState();
  return { name, layout: s.wallLayout, sort: s.wallSort, counterIds: s.wallCounterIds };
}

export async function saveView(body: WallViewBody, id: number | null): Promise<WallView> {
  const { view } =
    id === null
      ? await apiRequest('POST', '/api/v1/wall-views', WallViewResponseSchema, body)
      : await apiRequest('PUT', `/api/v1/wall-views/${id}`, WallViewResponseSchema, body);
  const s = useStore.getState();
  s.setWallViews(
    [...(s.wallViews ?? []).filter((v) => v.id !== view.id), view].sort((a, b) =>
      a.name.localeCompare(b.name, 'vi'),
    ),
  );
  s.applyWallView(view);
  return view;
}

export async function deleteView(id: number): Promise<void> {
  await apiRequest('DELETE', `/api/v1/wall-views/${id}`, OkSchema);
  const s = useStore.getState();
  s.setWallViews((s.wallViews ?? []).filter((v) => v.id !== id));
  if (s.wallViewId === id) s.applyWallView(null);
}

/**
 * The tour: every `tourSeconds`, the next saved view when there are two or
 * more, else the next page of tiles. Stops by itself when the user leaves.
 */
export function useWallTour(): void {
  const touring = useStore((s) => s.touring);
  const seconds = useStore((s) => s.tourSeconds);
  useEffect(() => {
    if (!touring) return;
    const timer = window.setInterval(() => {
      const s = useStore.getState();
      if (s.focusedCounterId !== null) return; // someone is looking closely: hold
      const views = s.wallViews ?? [];
      if (views.length >= 2) {
        const at = views.findIndex((v) => v.id === s.wallViewId);
        const next = views[(at + 1) % views.length];
        if (next) s.applyWallView(next);
      } else {
        s.setWallPage(s.wallPage + 1);
      }
    }, seconds * 1000);
    return () => window.clearInterval(timer);
  }, [touring, seconds]);
}
