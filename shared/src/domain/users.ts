import { z } from 'zod';
import { DepartmentIdSchema, DisplayNameSchema } from './ids.js';

/**
 * Roles: director (every department), inspector (all or assigned
 * departments), head (own department), auditor (audit trail only),
 * admin (accounts, counters, thresholds; no live view by default).
 */
export const RoleSchema = z.enum(['director', 'inspector', 'head', 'auditor', 'admin']);
export type Role = z.infer<typeof RoleSchema>;
export const ROLES = RoleSchema.options;

export const UsernameSchema = z
  .string()
  .min(3)
  .max(40)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lowercase letters, digits and . _ -');

export const UserSchema = z.object({
  id: z.number().int().positive(),
  username: UsernameSchema,
  displayName: DisplayNameSchema,
  roles: z.array(RoleSchema).min(1),
  /** Departments in scope; null means every department. */
  departmentIds: z.array(DepartmentIdSchema).nullable(),
});
export type User = z.infer<typeof UserSchema>;
