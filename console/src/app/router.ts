import { useSyncExternalStore } from 'react';

/** A tiny history router: pages are few and flat, a library would be more than the job. */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('popstate', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('popstate', listener);
  };
}

export function navigate(path: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  for (const listener of listeners) listener();
}

export function usePath(): string {
  return useSyncExternalStore(subscribe, () => window.location.pathname);
}

export function useSearchParam(name: string): string | null {
  const search = useSyncExternalStore(subscribe, () => window.location.search);
  return new URLSearchParams(search).get(name);
}

/** The logged-in console's pages, in header order. */
export const CONSOLE_ROUTES = [
  { path: '/', label: 'nav.wall' },
  { path: '/alerts', label: 'nav.alerts' },
  { path: '/departments', label: 'nav.departments' },
  { path: '/pressure', label: 'nav.pressure' },
] as const;

export type ConsoleRoute = (typeof CONSOLE_ROUTES)[number]['path'];

/** Which console page a path shows; anything unknown is the wall. */
export function consoleRoute(pathname: string): ConsoleRoute {
  for (const route of CONSOLE_ROUTES) {
    if (route.path !== '/' && (pathname === route.path || pathname.startsWith(`${route.path}/`)))
      return route.path;
  }
  return '/';
}

interface ClickLike {
  button: number;
  metaKey: boolean;
  ctrlKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  preventDefault: () => void;
}

/** A plain left click on a link is ours to route; modified clicks (new tab…) stay the browser's. */
export function followLink(event: ClickLike, path: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}
