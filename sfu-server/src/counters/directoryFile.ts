import fs from 'node:fs';
import { z } from 'zod';
import {
  CounterSchema,
  DEFAULT_OPENING_HOURS,
  DepartmentLevelSchema,
  DepartmentSchema,
  ServiceCodeSchema,
  describeIssues,
} from '@counterwatch/shared';
import { ConfigError } from '../config.js';

/**
 * The provisioning file (`CW_DIRECTORY_FILE`): departments and counters, with
 * the SHA-256 hashes of counter tokens and department API keys (never the
 * secrets themselves). An optional seed for automation, applied on every
 * start: it adds what does not exist and updates only what the console never
 * changed — a department or counter renamed, edited or retired in the
 * console stays so, and a token or key rotated or revoked in the database
 * (console or CLI) is the database's from then on.
 */
const HashSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be sha256:<64 hex digits>');

export const DirectoryFileSchema = z
  .object({
    departments: z.array(
      DepartmentSchema.extend({
        openingHours: DepartmentSchema.shape.openingHours.default(DEFAULT_OPENING_HOURS),
        level: DepartmentLevelSchema.default('commune'),
        /** Absent: what its counters offer. */
        services: z.array(ServiceCodeSchema).max(64).optional(),
        apiKeyHash: HashSchema.optional(),
      }),
    ),
    counters: z.array(CounterSchema.extend({ tokenHash: HashSchema.optional() })),
  })
  .superRefine((file, ctx) => {
    const departments = new Set<string>();
    for (const [i, d] of file.departments.entries()) {
      if (departments.has(d.id))
        ctx.addIssue({ code: 'custom', path: ['departments', i, 'id'], message: `duplicate ${d.id}` });
      departments.add(d.id);
    }
    const counters = new Set<string>();
    for (const [i, c] of file.counters.entries()) {
      if (counters.has(c.id))
        ctx.addIssue({ code: 'custom', path: ['counters', i, 'id'], message: `duplicate ${c.id}` });
      if (!departments.has(c.departmentId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['counters', i, 'departmentId'],
          message: `unknown department ${c.departmentId}`,
        });
      }
      counters.add(c.id);
    }
  });
export type DirectoryFile = z.infer<typeof DirectoryFileSchema>;

export function readDirectoryFile(file: string): DirectoryFile {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError('CW_DIRECTORY_FILE', `${file} is not readable JSON: ${(error as Error).message}`);
  }
  const parsed = DirectoryFileSchema.safeParse(raw);
  if (!parsed.success) {
    const detail = describeIssues(parsed.error)
      .map((i) => `${i.path}: ${i.message}`)
      .join('; ');
    throw new ConfigError('CW_DIRECTORY_FILE', `${file}: ${detail}`);
  }
  return parsed.data;
}
