import { z } from 'zod';
import { CounterIdSchema, DepartmentIdSchema, DisplayNameSchema, EpochMsSchema } from './ids.js';

/**
 * The officers who serve at the counters, per department, managed by the
 * admin. An officer signs in at the counter panel with their badge number
 * and PIN; interactions, inspections and reviews then name the officer on
 * duty (stored with them at the time), not a name typed by someone else.
 */

/** A police badge number (số hiệu) as printed: letters, digits and dashes. */
export const BadgeNumberSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{3,20}$/, 'must be 3 to 20 letters, digits or dashes')
  .transform((s) => s.toUpperCase());

/** A PIN typed on the panel's keypad; stored hashed like a password. */
export const OfficerPinSchema = z.string().regex(/^\d{4,8}$/, 'must be 4 to 8 digits');

/** An officer as interactions, inspections and reviews name them (as they were at the time). */
export const OfficerRefSchema = z.object({
  id: z.number().int().positive(),
  displayName: z.string(),
  badgeNumber: z.string(),
});
export type OfficerRef = z.infer<typeof OfficerRefSchema>;

export const OfficerSchema = OfficerRefSchema.extend({
  departmentId: DepartmentIdSchema,
  disabled: z.boolean(),
  createdAt: EpochMsSchema,
  /** The counter they are signed in at now, if any. */
  onDutyAt: CounterIdSchema.nullable(),
});
export type Officer = z.infer<typeof OfficerSchema>;
export const OfficerListSchema = z.object({ officers: z.array(OfficerSchema) });
export const OfficerResponseSchema = z.object({ officer: OfficerSchema });

/** POST /api/v1/admin/officers */
export const CreateOfficerSchema = z.object({
  departmentId: DepartmentIdSchema,
  displayName: DisplayNameSchema,
  badgeNumber: BadgeNumberSchema,
  pin: OfficerPinSchema,
});
export type CreateOfficer = z.infer<typeof CreateOfficerSchema>;

/** PATCH /api/v1/admin/officers/:id — rename, a new PIN, disable (signs them out) or enable. */
export const UpdateOfficerSchema = z
  .object({
    displayName: DisplayNameSchema.optional(),
    pin: OfficerPinSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'nothing to change');
export type UpdateOfficer = z.infer<typeof UpdateOfficerSchema>;

/** Who is at a counter now, and since when. */
export const OfficerOnDutySchema = OfficerRefSchema.extend({ since: EpochMsSchema });
export type OfficerOnDuty = z.infer<typeof OfficerOnDutySchema>;

/** GET|POST|DELETE /api/v1/device/counters/:id/officer — the panel's sign-in. */
export const OfficerSignInSchema = z.object({ badgeNumber: BadgeNumberSchema, pin: z.string().max(20) });
export const PanelOfficerSchema = z.object({ officer: OfficerOnDutySchema.nullable() });
export type PanelOfficer = z.infer<typeof PanelOfficerSchema>;
