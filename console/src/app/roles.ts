import type { Role, User } from '@counterwatch/shared';

export function hasAnyRole(user: User | null, roles: readonly Role[]): boolean {
  return user !== null && user.roles.some((r) => roles.includes(r));
}
