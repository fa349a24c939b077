import type { Role, User } from '@counterwatch/shared';

/**
 * Who may do what, in one place. Every route, socket message, consume,
 * recording and export asks here, object by object.
 */
const LIVE_ROLES: readonly Role[] = ['director', 'inspector', 'head'];

export function hasRole(user: User, ...roles: Role[]): boolean {
  return user.roles.some((r) => roles.includes(r));
}

/** Directors see every department; others when their list is null (all) or names it. */
export function inScope(user: User, departmentId: string): boolean {
  return (
    user.roles.includes('director') ||
    user.departmentIds === null ||
    user.departmentIds.includes(departmentId)
  );
}

/** Live view, metrics and alerts of a department. */
export function canWatch(user: User, departmentId: string): boolean {
  return hasRole(user, ...LIVE_ROLES) && inScope(user, departmentId);
}

export function canSeeAnyLive(user: User): boolean {
  return hasRole(user, ...LIVE_ROLES);
}
