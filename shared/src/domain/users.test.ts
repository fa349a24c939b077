import { describe, expect, it } from 'vitest';
import { ROLES, RoleSchema, UserSchema, UsernameSchema } from './users.js';

describe('RoleSchema', () => {
  it('has exactly the five roles', () => {
    expect(ROLES).toEqual(['director', 'inspector', 'head', 'auditor', 'admin']);
  });

  it.each(['Director', 'root', 'superadmin', ''])('rejects %j', (role) => {
    expect(RoleSchema.safeParse(role).success).toBe(false);
  });
});

describe('UsernameSchema', () => {
  it.each(['abc', 'nguyen.van.a', 'head_q1', 'inspector-2', '0day', 'a'.repeat(40)])('accepts %j', (name) => {
    expect(UsernameSchema.safeParse(name).success).toBe(true);
  });

  it.each([
    ['2 characters', 'ab'],
    ['41 characters', 'a'.repeat(41)],
    ['upper case', 'Admin'],
    ['a leading dot', '.admin'],
    ['a leading hyphen', '-admin'],
    ['a leading underscore', '_admin'],
    ['a space', 'van a'],
    ['an at sign', 'a@b.vn'],
    ['an accented letter', 'nguyễn'],
  ])('rejects %s', (_what, name) => {
    expect(UsernameSchema.safeParse(name).success).toBe(false);
  });
});

describe('UserSchema', () => {
  const user = {
    id: 1,
    username: 'director',
    displayName: 'Giám đốc',
    roles: ['director'],
    departmentIds: null,
  };

  it('accepts a user with all departments (null) or a list', () => {
    expect(UserSchema.safeParse(user).success).toBe(true);
    expect(UserSchema.safeParse({ ...user, roles: ['head'], departmentIds: ['hcm-q1'] }).success).toBe(true);
  });

  it.each([
    ['no roles', { ...user, roles: [] }],
    ['an unknown role', { ...user, roles: ['god'] }],
    ['id 0', { ...user, id: 0 }],
    ['a bad department id', { ...user, departmentIds: ['Q1'] }],
    ['missing departmentIds', { id: 1, username: 'director', displayName: 'x', roles: ['director'] }],
    ['a control character in the display name', { ...user, displayName: 'a\u0000' }],
  ])('rejects %s', (_what, value) => {
    expect(UserSchema.safeParse(value).success).toBe(false);
  });
});
