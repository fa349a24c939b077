import { z } from 'zod';
import { AlertRuleSchema } from '../domain/alerts.js';
import { CounterIdSchema, DepartmentIdSchema, EpochMsSchema } from '../domain/ids.js';

/**
 * Reports over a span of business days (04:00 Asia/Ho_Chi_Minh to 04:00),
 * folded from the queue event log with the same rules as the live metrics.
 * Durations are seconds, shares 0–1, `null` means "no data".
 */
export const ReportPeriodSchema = z.enum(['day', 'week', 'month', 'custom']);
export type ReportPeriod = z.infer<typeof ReportPeriodSchema>;

/** A business day, `YYYY-MM-DD`. */
export const DayLabelSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'must be a real date');

/** Longest span one report may cover (a quarter and a bit): the event log is folded day by day. */
export const MAX_REPORT_DAYS = 93;

export const ReportQuerySchema = z
  .object({
    period: ReportPeriodSchema.default('day'),
    /** A day inside the period (day, week from Monday, calendar month); default: today. */
    date: DayLabelSchema.optional(),
    /** Custom: first and last business day, inclusive… */
    from: DayLabelSchema.optional(),
    to: DayLabelSchema.optional(),
    /** …or two instants (epoch ms), for spans shorter than a day. */
    fromAt: z.coerce.number().int().nonnegative().optional(),
    toAt: z.coerce.number().int().nonnegative().optional(),
    departmentId: DepartmentIdSchema.optional(),
    /** The waiting-time target: citizens called within this many minutes. */
    targetMinutes: z.coerce.number().int().min(1).max(240).default(15),
  })
  .strict()
  .superRefine((q, ctx) => {
    const days = q.from !== undefined || q.to !== undefined;
    const instants = q.fromAt !== undefined || q.toAt !== undefined;
    if (q.period !== 'custom') {
      if (days || instants)
        ctx.addIssue({ code: 'custom', path: ['period'], message: 'from/to are for period=custom' });
      return;
    }
    if (q.date !== undefined)
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'not with period=custom' });
    if (days === instants) {
      ctx.addIssue({
        code: 'custom',
        path: ['from'],
        message: 'period=custom needs from and to (days) or fromAt and toAt (instants)',
      });
      return;
    }
    if (days && (q.from === undefined || q.to === undefined || q.from > q.to))
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'from and to are both needed, from ≤ to' });
    if (instants && (q.fromAt === undefined || q.toAt === undefined || q.fromAt >= q.toAt))
      ctx.addIssue({
        code: 'custom',
        path: ['toAt'],
        message: 'fromAt and toAt are both needed, fromAt < toAt',
      });
  });
export type ReportQuery = z.infer<typeof ReportQuerySchema>;
export type ReportQueryInput = z.input<typeof ReportQuerySchema>;

const Count = z.number().int().nonnegative();
const Seconds = z.number().nonnegative().nullable();
const Share = z.number().min(0).max(1).nullable();

export const ComplaintOutcomeSchema = z.enum([
  'pending',
  'no_issue',
  'reminder',
  'counselling',
  'discipline',
]);
export type ComplaintOutcome = z.infer<typeof ComplaintOutcomeSchema>;

export const AlertRuleFiguresSchema = z.object({
  rule: AlertRuleSchema,
  count: Count,
  acknowledged: Count,
  meanAckSeconds: Seconds,
  p90AckSeconds: Seconds,
});
export type AlertRuleFigures = z.infer<typeof AlertRuleFiguresSchema>;

/** The figures of one unit (province, department, counter) over one span. */
export const ReportFiguresSchema = z.object({
  issued: Count,
  served: Count,
  called: Count,
  noShows: Count,
  /** No-shows among the tickets called (as the live metrics). */
  noShowRate: Share,
  /** Waits measured: tickets called in the span (issue → first call). */
  waits: Count,
  meanWaitSeconds: Seconds,
  p90WaitSeconds: Seconds,
  /** Share of those waits longer than the target. */
  overTargetShare: Share,
  meanServiceSeconds: Seconds,
  p90ServiceSeconds: Seconds,
  ratings: z.object({ satisfied: Count, neutral: Count, unsatisfied: Count }),
  rated: Count,
  satisfaction: Share,
  complaints: z.object({ total: Count, byOutcome: z.record(ComplaintOutcomeSchema, Count) }),
  inspections: z.object({
    count: Count,
    withFailures: Count,
    pass: Count,
    fail: Count,
    notObserved: Count,
  }),
  alerts: z.object({
    total: Count,
    acknowledged: Count,
    meanAckSeconds: Seconds,
    byRule: z.array(AlertRuleFiguresSchema),
  }),
});
export type ReportFigures = z.infer<typeof ReportFiguresSchema>;

export const ReportUnitSchema = z.object({
  id: z.string(),
  name: z.string(),
  figures: ReportFiguresSchema,
  /** The same figures over the previous period of the same length. */
  previous: ReportFiguresSchema,
});
export type ReportUnit = z.infer<typeof ReportUnitSchema>;

export const ReportDepartmentSchema = ReportUnitSchema.extend({
  id: DepartmentIdSchema,
  counters: z.array(ReportUnitSchema.extend({ id: CounterIdSchema })),
});
export type ReportDepartment = z.infer<typeof ReportDepartmentSchema>;

/**
 * How departments are ranked: score = 0.5 × share called within the target
 * + 0.5 × satisfied share (the share alone when nobody rated); no figures
 * (nobody called) → unranked, at the end.
 */
export const RankingBasisSchema = z.object({
  kind: z.literal('within_target_and_satisfaction'),
  targetMinutes: z.number().int().positive(),
  withinTargetWeight: z.number(),
  satisfactionWeight: z.number(),
});
export type RankingBasis = z.infer<typeof RankingBasisSchema>;

export const RankingEntrySchema = z.object({
  departmentId: DepartmentIdSchema,
  rank: z.number().int().positive().nullable(),
  score: Share,
  withinTargetShare: Share,
  satisfaction: Share,
  /** Rank in the previous period, for the arrow. */
  previousRank: z.number().int().positive().nullable(),
});
export type RankingEntry = z.infer<typeof RankingEntrySchema>;

export const ReportDaySchema = z.object({
  day: z.string(),
  issued: Count,
  served: Count,
  meanWaitSeconds: Seconds,
  overTargetShare: Share,
  satisfaction: Share,
});
export type ReportDay = z.infer<typeof ReportDaySchema>;

export const ReportSchema = z.object({
  period: ReportPeriodSchema,
  /** `2026-12-04`, `2026-W49`, `2026-12`, or `2026-12-01…2026-12-07`. */
  label: z.string(),
  from: EpochMsSchema,
  to: EpochMsSchema,
  previousFrom: EpochMsSchema,
  previousTo: EpochMsSchema,
  /** The span ends in the future: figures so far. */
  partial: z.boolean(),
  targetMinutes: z.number().int().positive(),
  generatedAt: EpochMsSchema,
  generatedBy: z.string(),
  /** 'province' when every department is in it; 'scope' when only the user's own. */
  scope: z.enum(['province', 'scope', 'department']),
  total: ReportUnitSchema,
  departments: z.array(ReportDepartmentSchema),
  ranking: z.object({ basis: RankingBasisSchema, entries: z.array(RankingEntrySchema) }),
  days: z.array(ReportDaySchema),
  /** Tickets issued per local hour (`07`…), over the whole span. */
  arrivalsByHour: z.record(z.string(), Count),
});
export type Report = z.infer<typeof ReportSchema>;

/** A report prepared by the schedule (yesterday, last week), waiting to be opened. */
export const PreparedReportSchema = z.object({
  id: z.string(),
  period: z.enum(['day', 'week']),
  label: z.string(),
  /** The query that regenerates it for a user's scope. */
  query: z.object({ period: z.enum(['day', 'week']), date: z.string() }),
  preparedAt: EpochMsSchema,
  served: Count,
  satisfaction: Share,
  meanWaitSeconds: Seconds,
});
export type PreparedReport = z.infer<typeof PreparedReportSchema>;
export const PreparedReportListSchema = z.object({ reports: z.array(PreparedReportSchema) });
