import { useCallback } from 'react';
import { navigate as go, usePathname, useSearch } from 'wouter/use-browser-location';
import type { ConsolePage, Role } from '@counterwatch/shared';
import type { MessageKey } from '../i18n/messages';

/**
 * The console's URL: wouter's browser location (history API, with
 * push/replace observed) under a guard of our own. What is shown — the page,
 * its filters, the focused counter — lives in the URL, so Back, reload and a
 * shared link all show the same thing.
 */

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
  go(path, { replace });
}

export function usePath(): string {
  return usePathname();
}

export function useSearchParam(name: string): string | null {
  return new URLSearchParams(useSearch()).get(name);
}

/** The current URL with some search parameters set ('' or null removes one). */
export function withParams(
  params: Record<string, string | null>,
  pathname = window.location.pathname,
): string {
  const search = new URLSearchParams(window.location.search);
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === '') search.delete(name);
    else search.set(name, value);
  }
  const query = search.toString();
  return query ? `${pathname}?${query}` : pathname;
}

/**
 * A page filter kept in the URL (`?department=hk`): '' when absent. Setting
 * it replaces the history entry, so Back leaves the page rather than undoing
 * filters one by one; several setters in one handler compose (each reads the
 * URL as it is then).
 */
export function useUrlParam(name: string): [string, (value: string) => void] {
  const value = useSearchParam(name) ?? '';
  const set = useCallback((next: string) => navigate(withParams({ [name]: next }), true, true), [name]);
  return [value, set];
}

/** A URL filter with a fixed set of values: anything else in the URL reads as `fallback`. */
export function useUrlChoice<T extends string>(
  name: string,
  allowed: readonly T[],
  fallback: T,
): [T, (value: T) => void] {
  const [raw, setRaw] = useUrlParam(name);
  const value = allowed.find((a) => a === raw) ?? fallback;
  // The default stays out of the URL: a plain page has a plain address.
  const set = useCallback((next: T) => setRaw(next === fallback ? '' : next), [setRaw, fallback]);
  return [value, set];
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
  { path: '/staffing', label: 'nav.staffing', roles: ['director', 'head'] },
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
