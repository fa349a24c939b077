import { useSyncExternalStore } from 'react';
import type { ConsolePage, Role } from '@counterwatch/shared';
import type { MessageKey } from '../i18n/messages';

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

/**
 * Asked before every in-app navigation; false keeps the user where they are
 * (the guard shows why and navigates itself, with `force`, once confirmed).
 * A running inspection uses it to ask before leaving the focus view.
 */
export type LeaveGuard = (to: string) => boolean;
let leaveGuard: LeaveGuard | null = null;

export function setLeaveGuard(guard: LeaveGuard | null): void {
  leaveGuard = guard;
}

export function navigate(path: string, replace = false, force = false): void {
  if (!force && leaveGuard && !leaveGuard(path)) return;
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

/** Who watches live: the wall and everything built on the live snapshot. */
export const LIVE_ROLES: readonly Role[] = ['director', 'inspector', 'head'];

/** The logged-in console's pages, in header order, each with the roles that can use it. */
export const CONSOLE_ROUTES = [
  { path: '/', label: 'nav.wall', roles: LIVE_ROLES },
  { path: '/alerts', label: 'nav.alerts', roles: LIVE_ROLES },
  { path: '/departments', label: 'nav.departments', roles: LIVE_ROLES },
  { path: '/pressure', label: 'nav.pressure', roles: LIVE_ROLES },
  { path: '/inspections', label: 'nav.inspections', roles: ['director', 'inspector'] },
  { path: '/reviews', label: 'nav.reviews', roles: LIVE_ROLES },
  { path: '/reports', label: 'nav.reports', roles: ['director', 'head'] },
  { path: '/audit', label: 'nav.audit', roles: ['director', 'auditor'] },
  { path: '/admin', label: 'nav.admin', roles: ['admin'] },
] as const satisfies readonly { path: ConsolePage; label: MessageKey; roles: readonly Role[] }[];

export type ConsoleRoute = (typeof CONSOLE_ROUTES)[number]['path'];

/** Which console page a path shows; anything unknown is the wall. */
export function consoleRoute(pathname: string): ConsoleRoute {
  for (const route of CONSOLE_ROUTES) {
    if (route.path !== '/' && (pathname === route.path || pathname.startsWith(`${route.path}/`)))
      return route.path;
  }
  return '/';
}

/** The numeric id after a page's path (`/reviews/42` → 42), or null on the page itself or anything else. */
export function pathId(pathname: string, page: ConsoleRoute): number | null {
  const match = new RegExp(`^${page}/(\\d{1,12})/?$`).exec(pathname);
  if (!match) return null;
  const id = Number(match[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
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
