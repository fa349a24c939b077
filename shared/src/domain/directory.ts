import { z } from 'zod';
import { CounterIdSchema, DepartmentIdSchema, DisplayNameSchema } from './ids.js';
import { ServiceCodeSchema } from './services.js';

/** "HH:MM", 24-hour, local time of the department. */
export const ClockTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

export const OpeningHoursSchema = z.object({
  /** ISO weekdays the department opens: 1 = Monday … 7 = Sunday. */
  days: z.array(z.number().int().min(1).max(7)).max(7),
  open: ClockTimeSchema,
  close: ClockTimeSchema,
});
export type OpeningHours = z.infer<typeof OpeningHoursSchema>;

export const DEFAULT_OPENING_HOURS: OpeningHours = {
  days: [1, 2, 3, 4, 5, 6],
  open: '07:30',
  close: '17:00',
};

export const DepartmentSchema = z.object({
  id: DepartmentIdSchema,
  name: DisplayNameSchema,
  openingHours: OpeningHoursSchema,
});
export type Department = z.infer<typeof DepartmentSchema>;

export const CounterSchema = z.object({
  id: CounterIdSchema,
  departmentId: DepartmentIdSchema,
  name: DisplayNameSchema,
  services: z.array(ServiceCodeSchema).max(32),
});
export type Counter = z.infer<typeof CounterSchema>;

/** Where a department sits in the province: the provincial department, or a commune/ward station. */
export const DepartmentLevelSchema = z.enum(['provincial', 'commune']);
export type DepartmentLevel = z.infer<typeof DepartmentLevelSchema>;

/**
 * A department as the directory keeps it: its place in the province and the
 * services it offers, besides what the live side uses (`Department`).
 */
export const DepartmentEntrySchema = DepartmentSchema.extend({
  level: DepartmentLevelSchema,
  services: z.array(ServiceCodeSchema).max(64),
});
export type DepartmentEntry = z.infer<typeof DepartmentEntrySchema>;
