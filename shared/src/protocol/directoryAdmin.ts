import { z } from 'zod';
import {
  DEFAULT_OPENING_HOURS,
  DepartmentEntrySchema,
  DepartmentLevelSchema,
  OpeningHoursSchema,
  type OpeningHours,
} from '../domain/directory.js';
import { CounterIdSchema, DepartmentIdSchema, DisplayNameSchema, EpochMsSchema } from '../domain/ids.js';
import { ServiceCodeSchema } from '../domain/services.js';
import { EnrolmentCodeSchema } from './device.js';

/**
 * The directory managed in the console (`/api/v1/admin/directory/*`, admins):
 * departments and counters added, changed and retired one by one or imported
 * from a CSV, and the one-time enrolment code of a counter's agent
 * (`POST /api/v1/agent/enroll`, exchanged by `counterwatch-agent enroll`).
 */
const Services = z.array(ServiceCodeSchema).max(64);

export const CreateDepartmentSchema = z.object({
  id: DepartmentIdSchema,
  name: DisplayNameSchema,
  level: DepartmentLevelSchema,
  openingHours: OpeningHoursSchema.default(DEFAULT_OPENING_HOURS),
  services: Services.default([]),
});
export type CreateDepartment = z.infer<typeof CreateDepartmentSchema>;

export const UpdateDepartmentSchema = z
  .object({
    name: DisplayNameSchema,
    level: DepartmentLevelSchema,
    openingHours: OpeningHoursSchema,
    services: Services,
  })
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' });
export type UpdateDepartment = z.infer<typeof UpdateDepartmentSchema>;

export const CreateCounterSchema = z.object({
  id: CounterIdSchema,
  departmentId: DepartmentIdSchema,
  name: DisplayNameSchema,
  services: z.array(ServiceCodeSchema).max(32).default([]),
});
export type CreateCounter = z.infer<typeof CreateCounterSchema>;

export const UpdateCounterSchema = z
  .object({ name: DisplayNameSchema, services: z.array(ServiceCodeSchema).max(32) })
  .partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to change' });
export type UpdateCounter = z.infer<typeof UpdateCounterSchema>;

const Retired = { retiredAt: EpochMsSchema.nullable(), retiredBy: z.string().nullable() };

/** GET /api/v1/admin/directory/entries: everything, retired included (they keep their history). */
export const DirectoryEntriesSchema = z.object({
  departments: z.array(DepartmentEntrySchema.extend({ ...Retired, hasApiKey: z.boolean() })),
  counters: z.array(
    z.object({
      id: CounterIdSchema,
      departmentId: DepartmentIdSchema,
      name: z.string(),
      services: z.array(ServiceCodeSchema),
      ...Retired,
      hasToken: z.boolean(),
      /** An unused enrolment code is waiting until then. */
      codeExpiresAt: EpochMsSchema.nullable(),
    }),
  ),
});
export type DirectoryEntries = z.infer<typeof DirectoryEntriesSchema>;

/** A counter's one-time enrolment code, shown once. */
export const IssuedCounterCodeSchema = z.object({
  counterId: CounterIdSchema,
  code: z.string(),
  expiresAt: EpochMsSchema,
});
export type IssuedCounterCode = z.infer<typeof IssuedCounterCodeSchema>;

/** POST /api/v1/agent/enroll — the code from the console for the counter's agent token. */
export const AgentEnrollRequestSchema = z.object({ code: EnrolmentCodeSchema });
export const AgentEnrollResponseSchema = z.object({
  counterId: CounterIdSchema,
  departmentId: DepartmentIdSchema,
  token: z.string().min(32),
});
export type AgentEnrollResponse = z.infer<typeof AgentEnrollResponseSchema>;

// ---- The CSV import ----

/**
 * One file, one row per department or counter, header first:
 *
 *   kind,id,name,department,level,services,days,open,close
 *   department,xa-an-binh,Công an xã An Bình,,commune,id-card;residence,1-6,07:30,17:00
 *   counter,xa-an-binh-q1,Quầy 1,xa-an-binh,,id-card,,,
 *
 * `services` are codes separated by `;`; `days` ISO weekdays as a range
 * (`1-5`) or a list (`1;3;5`); empty hours take the default (Mon–Sat
 * 07:30–17:00). A row whose id exists changes it; a new id adds it. The
 * import is all or nothing.
 */
export const DIRECTORY_CSV_COLUMNS = [
  'kind',
  'id',
  'name',
  'department',
  'level',
  'services',
  'days',
  'open',
  'close',
] as const;
/** Rows in one import, at most. */
export const DIRECTORY_CSV_MAX_ROWS = 5000;

const cell = z.string().trim();
const list = (text: string): string[] =>
  text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');

/** `1-5` or `1;3;5` → ISO weekdays. */
const Days = cell.transform((text, ctx): number[] => {
  const range = /^([1-7])\s*-\s*([1-7])$/.exec(text);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (from > to) ctx.addIssue({ code: 'custom', message: 'the range must go up (1-6)' });
    return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
  }
  const days = list(text).map(Number);
  if (days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    ctx.addIssue({ code: 'custom', message: 'ISO weekdays 1–7 as 1-6 or 1;3;5' });
    return [];
  }
  return [...new Set(days)].sort();
});

const DepartmentRowSchema = z
  .object({
    kind: z.literal('department'),
    id: DepartmentIdSchema,
    name: DisplayNameSchema,
    department: z.literal('', { message: 'leave empty on a department row' }),
    level: DepartmentLevelSchema,
    services: cell.transform(list).pipe(Services),
    days: Days,
    open: cell,
    close: cell,
  })
  .transform((r, ctx): CreateDepartment => {
    const blank = r.days.length === 0 && r.open === '' && r.close === '';
    const hours: OpeningHours = blank
      ? DEFAULT_OPENING_HOURS
      : { days: r.days, open: r.open, close: r.close };
    const parsed = OpeningHoursSchema.safeParse(hours);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: 'days/open/close: e.g. 1-6, 07:30, 17:00 (or all empty)' });
      return z.NEVER;
    }
    if (parsed.data.open >= parsed.data.close) {
      ctx.addIssue({ code: 'custom', message: 'open must be before close' });
      return z.NEVER;
    }
    return { id: r.id, name: r.name, level: r.level, services: r.services, openingHours: parsed.data };
  });

const CounterRowSchema = z
  .object({
    kind: z.literal('counter'),
    id: CounterIdSchema,
    name: DisplayNameSchema,
    department: DepartmentIdSchema,
    level: z.literal('', { message: 'leave empty on a counter row' }),
    services: cell.transform(list).pipe(z.array(ServiceCodeSchema).max(32)),
    days: z.literal('', { message: 'leave empty on a counter row' }),
    open: z.literal('', { message: 'leave empty on a counter row' }),
    close: z.literal('', { message: 'leave empty on a counter row' }),
  })
  .transform((r): CreateCounter => ({
    id: r.id,
    departmentId: r.department,
    name: r.name,
    services: r.services,
  }));

export type DirectoryCsvRow =
  | { kind: 'department'; line: number; department: CreateDepartment }
  | { kind: 'counter'; line: number; counter: CreateCounter };

export const DirectoryCsvErrorSchema = z.object({ line: z.number().int().positive(), message: z.string() });
export type DirectoryCsvError = z.infer<typeof DirectoryCsvErrorSchema>;
/** The details of a refused import: every bad line, and nothing was changed. */
export const DirectoryImportErrorsSchema = z.object({ errors: z.array(DirectoryCsvErrorSchema) });

/** POST /api/v1/admin/directory/import, body `{ csv }` (UTF-8 text, under the 1 MB request limit). */
export const DirectoryImportRequestSchema = z.object({ csv: z.string().min(1).max(900_000) });
export const DirectoryImportResultSchema = z.object({
  departments: z.object({ created: z.number().int(), updated: z.number().int() }),
  counters: z.object({ created: z.number().int(), updated: z.number().int() }),
});
export type DirectoryImportResult = z.infer<typeof DirectoryImportResultSchema>;

/** What the directory holds already, for checking an import against it. */
export interface DirectoryKnown {
  departments: ReadonlyMap<string, { retired: boolean }>;
  counters: ReadonlyMap<string, { departmentId: string; retired: boolean }>;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/**
 * Checks parsed CSV records (cells by column, with their line numbers) row by
 * row and against each other and the directory: every error with its line,
 * or the rows if there is none. Retired ids are not reused; a counter does
 * not move to another department; a counter's department must be in the
 * directory or the file, and not retired.
 */
export function checkDirectoryCsv(
  records: readonly { line: number; cells: Readonly<Record<string, string | undefined>> }[],
  known: DirectoryKnown,
): { rows: DirectoryCsvRow[]; errors: DirectoryCsvError[] } {
  const rows: DirectoryCsvRow[] = [];
  const errors: DirectoryCsvError[] = [];
  if (records.length === 0) errors.push({ line: 1, message: 'no rows after the header' });
  if (records.length > DIRECTORY_CSV_MAX_ROWS) {
    errors.push({ line: 1, message: `at most ${DIRECTORY_CSV_MAX_ROWS} rows in one import` });
    return { rows, errors };
  }
  const seen = new Map<string, number>();
  const fileDepartments = new Set<string>();
  for (const { line, cells } of records) {
    const full = Object.fromEntries(DIRECTORY_CSV_COLUMNS.map((c) => [c, cells[c] ?? '']));
    const kind = full.kind?.trim().toLowerCase() ?? '';
    const parsed =
      kind === 'department'
        ? DepartmentRowSchema.safeParse({ ...full, kind })
        : kind === 'counter'
          ? CounterRowSchema.safeParse({ ...full, kind })
          : undefined;
    if (!parsed) {
      errors.push({ line, message: 'kind: must be department or counter' });
      continue;
    }
    if (!parsed.success) {
      errors.push({ line, message: firstIssue(parsed.error) });
      continue;
    }
    const key = `${kind}:${parsed.data.id}`;
    const before = seen.get(key);
    if (before !== undefined) {
      errors.push({ line, message: `id ${parsed.data.id}: already on line ${before}` });
      continue;
    }
    seen.set(key, line);
    if ('level' in parsed.data) {
      const department = parsed.data;
      if (known.departments.get(department.id)?.retired) {
        errors.push({ line, message: `id ${department.id}: a retired department's id is not reused` });
        continue;
      }
      fileDepartments.add(department.id);
      rows.push({ kind: 'department', line, department });
    } else {
      const counter = parsed.data;
      const existing = known.counters.get(counter.id);
      if (existing?.retired) {
        errors.push({ line, message: `id ${counter.id}: a retired counter's id is not reused` });
        continue;
      }
      if (existing && existing.departmentId !== counter.departmentId) {
        errors.push({
          line,
          message: `id ${counter.id}: belongs to ${existing.departmentId}; a counter does not change department`,
        });
        continue;
      }
      rows.push({ kind: 'counter', line, counter });
    }
  }
  for (const row of rows) {
    if (row.kind !== 'counter') continue;
    const id = row.counter.departmentId;
    const department = known.departments.get(id);
    if (department?.retired) errors.push({ line: row.line, message: `department ${id} is retired` });
    else if (!department && !fileDepartments.has(id))
      errors.push({ line: row.line, message: `department ${id}: not in the directory nor in this file` });
  }
  errors.sort((a, b) => a.line - b.line);
  return { rows: errors.length === 0 ? rows : [], errors };
}
