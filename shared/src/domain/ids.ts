import { z } from 'zod';

/** Ids chosen by people (departments, counters, services): short, URL- and file-safe. */
export const SlugSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'must be lowercase letters, digits and inner hyphens');

export const DepartmentIdSchema = SlugSchema;
export const CounterIdSchema = SlugSchema;
export type DepartmentId = z.infer<typeof DepartmentIdSchema>;
export type CounterId = z.infer<typeof CounterIdSchema>;

/** Epoch milliseconds: every time on the wire; shown in Asia/Ho_Chi_Minh by the console. */
export const EpochMsSchema = z.number().int().nonnegative().max(8.64e15);
export type EpochMs = z.infer<typeof EpochMsSchema>;

/** Ids minted by machines (event ids, ticket ids): opaque, bounded, printable. */
export const OpaqueIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, 'must be letters, digits and . _ : -');

/** A display name typed by a person: trimmed, bounded, no control characters. */
export const DisplayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(120)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters');
