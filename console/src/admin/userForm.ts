import type { z } from 'zod';
import { CreateUserSchema, UpdateUserSchema, type AdminUser, type Role } from '@counterwatch/shared';

/** The account form as typed: departments are "all" or a chosen list. */
export interface UserForm {
  username: string;
  displayName: string;
  roles: Role[];
  allDepartments: boolean;
  departmentIds: string[];
}

export type UserFormProblem = 'username' | 'displayName' | 'roles' | 'departments';

export const emptyUserForm: UserForm = {
  username: '',
  displayName: '',
  roles: [],
  allDepartments: false,
  departmentIds: [],
};

export function formFromUser(user: AdminUser): UserForm {
  return {
    username: user.username,
    displayName: user.displayName,
    roles: [...user.roles],
    allDepartments: user.departmentIds === null,
    departmentIds: user.departmentIds ?? [],
  };
}

function departmentsOf(form: UserForm): string[] | null {
  return form.allDepartments ? null : [...form.departmentIds].sort();
}

/**
 * What is wrong with the form, field by field, by the same rules as the
 * server: the shared schema, and a department head needs their department.
 */
export function userFormProblems(form: UserForm, creating: boolean): UserFormProblem[] {
  const problems = new Set<UserFormProblem>();
  const parsed = (creating ? CreateUserSchema : UpdateUserSchema).safeParse({
    ...(creating ? { username: form.username.trim() } : {}),
    displayName: form.displayName,
    roles: form.roles,
    departmentIds: departmentsOf(form),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === 'username' || field === 'displayName' || field === 'roles') problems.add(field);
      if (field === 'departmentIds') problems.add('departments');
    }
  }
  const departments = departmentsOf(form);
  if (form.roles.includes('head') && (departments === null || departments.length === 0))
    problems.add('departments');
  return [...problems];
}

export function createBody(form: UserForm): z.input<typeof CreateUserSchema> {
  return {
    username: form.username.trim(),
    displayName: form.displayName.trim(),
    roles: form.roles,
    departmentIds: departmentsOf(form),
  };
}

/** Only what changed: each change revokes the user's sessions server-side, so nothing is sent for nothing. */
export function updateBody(form: UserForm, user: AdminUser): z.input<typeof UpdateUserSchema> {
  const body: z.input<typeof UpdateUserSchema> = {};
  const displayName = form.displayName.trim();
  if (displayName !== user.displayName) body.displayName = displayName;
  const sameRoles =
    form.roles.length === user.roles.length && form.roles.every((r) => user.roles.includes(r));
  if (!sameRoles) body.roles = form.roles;
  const departments = departmentsOf(form);
  const before = user.departmentIds === null ? null : [...user.departmentIds].sort();
  const sameDepartments =
    departments === null || before === null
      ? departments === before
      : departments.length === before.length && departments.every((d, i) => d === before[i]);
  if (!sameDepartments) body.departmentIds = departments;
  return body;
}
