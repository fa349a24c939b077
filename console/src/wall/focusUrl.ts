import { useEffect } from 'react';
import { navigate as go } from 'wouter/use-browser-location';
import { consoleRoute, navigate, withParams } from '../app/router';
import { inspectionOnScreen } from '../store/inspectionSlice';
import { useStore } from '../store/store';

/**
 * The focused counter lives in the wall's URL (`/?counter=hk-q1`, beside the
 * wall's filters): opening it adds a history entry, so the browser's Back
 * closes it and stays on the wall; reload and a shared link open it again.
 * The store keeps `focusedCounterId` for everything that reads it; this
 * module keeps the two in step both ways.
 */
export const FOCUS_PARAM = 'counter';
/** The wall's department filter, beside the focused counter in the same URL. */
export const WALL_DEPARTMENT_PARAM = 'department';

/** history.state mark on an entry we pushed over the wall: closing the view goes back to it. */
const OPENED = 'cwFocusOpened';

function openedByUs(): boolean {
  const state: unknown = window.history.state;
  return typeof state === 'object' && state !== null && OPENED in state;
}

function urlCounter(): string | null {
  if (consoleRoute(window.location.pathname) !== '/') return null;
  return new URLSearchParams(window.location.search).get(FOCUS_PARAM) || null;
}

/** The wall's URL with this counter focused (keeps the wall's filters). */
export function focusHref(counterId: string, pathname = '/'): string {
  return withParams({ [FOCUS_PARAM]: counterId }, pathname);
}

/** Store → URL, after the store's focus changed (a tile click, Enter, Esc, "Xem trực tiếp"…). */
function storeToUrl(counterId: string | null): void {
  if (consoleRoute(window.location.pathname) !== '/') return; // leaving the wall closes the view: the URL is already elsewhere
  const inUrl = urlCounter();
  if (inUrl === counterId) return;
  if (counterId !== null) {
    // Opening over the wall is a new entry; switching to another counter replaces the one shown.
    go(focusHref(counterId), { replace: inUrl !== null, state: { [OPENED]: true } });
  } else if (openedByUs()) {
    window.history.back(); // the entry below is the wall as it was, filters and all
  } else {
    go(withParams({ [FOCUS_PARAM]: null }), { replace: true }); // opened from a link: the wall replaces it
  }
}

const LOCATION_EVENTS = ['popstate', 'pushState', 'replaceState'] as const;

/** Set while a confirmed "leave the inspection" navigates: no second question. */
let leaving = false;

/** URL → store, after any change of location (and on load). */
function urlToStore(): void {
  const state = useStore.getState();
  const wanted = urlCounter();
  if (wanted === state.focusedCounterId) return;
  if (!leaving && state.focusedCounterId !== null && inspectionOnScreen(state)) {
    // Back during an inspection asks first, like any other way out: put the view's entry back.
    const to = `${window.location.pathname}${window.location.search}`;
    const leavesWall = consoleRoute(window.location.pathname) !== '/';
    go(focusHref(state.focusedCounterId), { state: { [OPENED]: true } });
    state.setLeaveRequest({ to: leavesWall || wanted !== null ? to : null });
    return;
  }
  state.focusCounter(wanted);
}

/** "Leave" confirmed: closes the view, to the wall (`to` null) or to the page the user asked for. */
export function leaveFocus(to: string | null): void {
  leaving = true;
  try {
    // Somewhere else first, so closing the view has no wall entry of its own to return to.
    if (to !== null) navigate(to, false, true);
    useStore.getState().focusCounter(null);
  } finally {
    leaving = false;
  }
}

/** Keeps the focused counter and the URL in step for as long as the console is mounted. */
export function useFocusInUrl(): void {
  useEffect(() => {
    urlToStore();
    const unsubscribe = useStore.subscribe((s, prev) => {
      if (s.focusedCounterId !== prev.focusedCounterId) storeToUrl(s.focusedCounterId);
      // A link to a counter outside the user's scope (or gone) shows the wall, once the snapshot says so.
      const focused = s.focusedCounterId;
      if (
        focused !== null &&
        s.connectionStatus === 'connected' &&
        (s.counters !== prev.counters || prev.connectionStatus !== 'connected') &&
        !(focused in s.counters)
      )
        s.focusCounter(null);
    });
    // Back/Forward, and any in-app navigation (wouter's history events): a link to another page
    // or to the plain wall closes the view (or asks first, during an inspection).
    for (const event of LOCATION_EVENTS) window.addEventListener(event, urlToStore);
    return () => {
      unsubscribe();
      for (const event of LOCATION_EVENTS) window.removeEventListener(event, urlToStore);
    };
  }, []);
}
