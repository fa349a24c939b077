import { describe, expect, it } from 'vitest';
import type { Role, User } from '@counterwatch/shared';
import { can, canUseRoute, landingPath, routesFor } from './roles';
import { consoleRoute, pathId } from './router';

const user = (...roles: Role[]): User => ({
  id: 1,
  username: 'u1',
  displayName: 'U',
  roles,
  departmentIds: null,
});
const pages = (...roles: Role[]): string[] => routesFor(user(...roles)).map((r) => r.path);

describe('navigation by role', () => {
  it('offers each role its pages, in header order', () => {
    expect(pages('director')).toEqual([
      '/',
      '/alerts',
      '/departments',
      '/pressure',
      '/inspections',
      '/reviews',
      '/reports',
      '/staffing',
      '/audit',
    ]);
    expect(pages('inspector')).toEqual([
      '/',
      '/alerts',
      '/departments',
      '/pressure',
      '/inspections',
      '/reviews',
    ]);
    expect(pages('head')).toEqual([
      '/',
      '/alerts',
      '/departments',
      '/pressure',
      '/reviews',
      '/reports',
      '/staffing',
    ]);
    expect(pages('auditor')).toEqual(['/audit']);
    expect(pages('admin')).toEqual(['/admin']);
    expect(pages('head', 'auditor')).toContain('/audit');
    expect(routesFor(null)).toEqual([]);
  });

  it('lands the auditor on the audit trail and the admin on administration', () => {
    expect(landingPath(user('auditor'))).toBe('/audit');
    expect(landingPath(user('admin'))).toBe('/admin');
    expect(landingPath(user('head'))).toBe('/');
    expect(landingPath(user('admin', 'director'))).toBe('/');
    expect(canUseRoute(user('admin'), '/')).toBe(false);
  });

  it('offers inspections to inspectors and directors only', () => {
    expect(can(user('inspector'), 'inspect')).toBe(true);
    expect(can(user('head'), 'inspect')).toBe(false);
    expect(can(user('head'), 'flag')).toBe(true);
    expect(can(user('admin'), 'watchLive')).toBe(false);
  });
});

describe('router', () => {
  it('routes sub-paths to their page and reads ids', () => {
    expect(consoleRoute('/reviews/12')).toBe('/reviews');
    expect(consoleRoute('/inspectionsx')).toBe('/');
    expect(pathId('/reviews/12', '/reviews')).toBe(12);
    expect(pathId('/reviews/12/', '/reviews')).toBe(12);
    expect(pathId('/reviews', '/reviews')).toBeNull();
    expect(pathId('/reviews/abc', '/reviews')).toBeNull();
    expect(pathId('/reviews/0', '/reviews')).toBeNull();
    expect(pathId('/inspections/5', '/reviews')).toBeNull();
  });
});
