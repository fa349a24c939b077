import type { Role, User } from '@counterwatch/shared';
import { describe, expect, it } from 'vitest';
import { canSeeAnyLive, canWatch, hasRole, inScope } from './access.js';

const user = (roles: Role[], departmentIds: string[] | null): User => ({
  id: 1,
  username: 'someone',
  displayName: 'Someone',
  roles,
  departmentIds,
});

describe('hasRole', () => {
  it('is true when the user has any of the roles', () => {
    const u = user(['auditor', 'admin'], null);
    expect(hasRole(u, 'admin')).toBe(true);
    expect(hasRole(u, 'director', 'auditor')).toBe(true);
    expect(hasRole(u, 'director', 'head')).toBe(false);
    expect(hasRole(u)).toBe(false);
  });
});

describe('inScope', () => {
  it('a director sees every department, even with a list', () => {
    expect(inScope(user(['director'], ['q1']), 'q9')).toBe(true);
    expect(inScope(user(['director'], []), 'q9')).toBe(true);
  });

  it('null departments means every department', () => {
    expect(inScope(user(['inspector'], null), 'q9')).toBe(true);
  });

  it('otherwise only the listed departments', () => {
    const head = user(['head'], ['q1', 'q2']);
    expect(inScope(head, 'q1')).toBe(true);
    expect(inScope(head, 'q2')).toBe(true);
    expect(inScope(head, 'q3')).toBe(false);
    expect(inScope(head, 'Q1')).toBe(false);
    expect(inScope(head, '')).toBe(false);
    expect(inScope(user(['head'], []), 'q1')).toBe(false);
  });
});

describe('canWatch', () => {
  it('a director watches every department', () => {
    expect(canWatch(user(['director'], null), 'q1')).toBe(true);
    expect(canWatch(user(['director'], ['q2']), 'q1')).toBe(true);
  });

  it('an inspector watches all or assigned departments', () => {
    expect(canWatch(user(['inspector'], null), 'q7')).toBe(true);
    expect(canWatch(user(['inspector'], ['q2', 'q3']), 'q3')).toBe(true);
    expect(canWatch(user(['inspector'], ['q2', 'q3']), 'q1')).toBe(false);
  });

  it('a head watches only their own departments', () => {
    const head = user(['head'], ['q1']);
    expect(canWatch(head, 'q1')).toBe(true);
    expect(canWatch(head, 'q2')).toBe(false);
  });

  it.each([['admin'], ['auditor']] as const)(
    '%s has no live view, even with every department in scope',
    (role) => {
      expect(canWatch(user([role], null), 'q1')).toBe(false);
      expect(canWatch(user([role], ['q1']), 'q1')).toBe(false);
      expect(canSeeAnyLive(user([role], null))).toBe(false);
    },
  );

  it('an admin who is also head of q1 watches q1 only', () => {
    const u = user(['admin', 'head'], ['q1']);
    expect(canWatch(u, 'q1')).toBe(true);
    expect(canWatch(u, 'q2')).toBe(false);
  });
});

describe('canSeeAnyLive', () => {
  it.each([
    [['director'], true],
    [['inspector'], true],
    [['head'], true],
    [['admin', 'auditor'], false],
    [['auditor', 'head'], true],
  ] as [Role[], boolean][])('%j → %s', (roles, expected) => {
    expect(canSeeAnyLive(user(roles, ['q1']))).toBe(expected);
  });
});
