import type { Role, User } from '@counterwatch/shared';
import { CONSOLE_ROUTES, LIVE_ROLES, type ConsoleRoute } from './router';

export function hasAnyRole(user: User | null, roles: readonly Role[]): boolean {
  return user !== null && user.roles.some((r) => roles.includes(r));
}

/**
 * What the UI offers each role. The server enforces the same rules; these
 * only keep a user from reaching pages and buttons that would answer 403.
 */
export const CAN = {
  watchLive: LIVE_ROLES,
  inspect: ['director', 'inspector'],
  review: LIVE_ROLES,
  flag: LIVE_ROLES,
  readAudit: ['director', 'auditor'],
  administer: ['admin'],
  declareCampaign: ['director'],
} as const satisfies Record<string, readonly Role[]>;

export function can(user: User | null, what: keyof typeof CAN): boolean {
  return hasAnyRole(user, CAN[what]);
}

/** The pages a user can use, in header order. */
export function routesFor(user: User | null): (typeof CONSOLE_ROUTES)[number][] {
  return CONSOLE_ROUTES.filter((r) => hasAnyRole(user, r.roles));
}

/** Where a user lands: the wall for anyone who watches, otherwise their first page (auditor → audit, admin → admin). */
export function landingPath(user: User | null): ConsoleRoute | null {
  return routesFor(user)[0]?.path ?? null;
}

export function canUseRoute(user: User | null, route: ConsoleRoute): boolean {
  return routesFor(user).some((r) => r.path === route);
}
