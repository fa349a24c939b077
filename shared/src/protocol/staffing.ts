import { z } from 'zod';
import { DepartmentIdSchema, EpochMsSchema } from '../domain/ids.js';
import { ServiceCodeSchema } from '../domain/services.js';
import { DayLabelSchema } from './reports.js';

/**
 * The staffing advisor: arrivals forecast per department, service and hour
 * from the event log (weekday × hour, recent trend, holidays, declared
 * campaigns), and the counters each hour needs to meet the director's
 * target by Erlang C, beside the counters actually opened.
 */

/** Longest forecast: two weeks ahead. */
export const MAX_STAFFING_DAYS = 14;

export const StaffingQuerySchema = z
  .object({
    departmentId: DepartmentIdSchema.optional(),
    /** First forecast day; default tomorrow on the server's clock. */
    from: DayLabelSchema.optional(),
    days: z.coerce.number().int().min(1).max(MAX_STAFFING_DAYS).default(7),
    /** The target: `targetShare` of citizens called within `targetMinutes`. */
    targetMinutes: z.coerce.number().int().min(1).max(120).default(15),
    targetShare: z.coerce.number().min(0.5).max(0.99).default(0.8),
  })
  .strict();
export type StaffingQuery = z.infer<typeof StaffingQuerySchema>;
export type StaffingQueryInput = z.input<typeof StaffingQuerySchema>;

const Share = z.number().min(0).max(1);

export const StaffingHourSchema = z.object({
  /** Local clock hour, 0–23 (8 = 08:00–09:00). */
  hour: z.number().int().min(0).max(23),
  /** Expected arrivals in the hour, all services. */
  arrivals: z.number().nonnegative(),
  byService: z.record(z.string(), z.number().nonnegative()),
  /** Counters on duty in this hour of this weekday, averaged over recent weeks (opened or paused). */
  actual: z.number().nonnegative(),
  /** The same, whole counters: what the plan "as usual" opens. */
  actualCounters: z.number().int().nonnegative(),
  /** Counters the target needs (Erlang C with the backlog carried from the hour before). */
  needed: z.number().int().nonnegative(),
  /** Expected share called within the target, as usual and as advised (null: nobody arrives). */
  shareActual: Share.nullable(),
  shareNeeded: Share.nullable(),
  /** Expected wait of a ticket issued mid-hour, minutes (null: unbounded or nobody arrives). */
  waitActualMinutes: z.number().nonnegative().nullable(),
  waitNeededMinutes: z.number().nonnegative().nullable(),
  /** Citizens still waiting at the end of the hour, as usual (a backlog the next hour inherits). */
  backlogActual: z.number().nonnegative(),
});
export type StaffingHour = z.infer<typeof StaffingHourSchema>;

export const StaffingDaySchema = z.object({
  day: DayLabelSchema,
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: z.number().int().min(1).max(7),
  holiday: z.string().nullable(),
  campaignIds: z.array(z.number().int().positive()),
  /** Past same-weekday days the profile was made from (0: no history for this weekday). */
  basis: z.number().int().nonnegative(),
  /** Trend factor applied to the weekday profile. */
  trend: z.number().positive(),
  hours: z.array(StaffingHourSchema),
});
export type StaffingDay = z.infer<typeof StaffingDaySchema>;

export const StaffingAdviceItemSchema = z.object({
  kind: z.enum(['extra_counter', 'extend_hours']),
  day: DayLabelSchema,
  weekday: z.number().int().min(1).max(7),
  /** Clock hours [fromHour, toHour). */
  fromHour: z.number().int().min(0).max(24),
  toHour: z.number().int().min(0).max(24),
  /** Counters as usual and as advised (extend_hours: counters kept open after the usual closing). */
  fromCounters: z.number().int().nonnegative(),
  toCounters: z.number().int().nonnegative(),
  /** Extra counters over the hours: from the least to the most any of them needs. */
  extraMin: z.number().int().nonnegative(),
  extraMax: z.number().int().nonnegative(),
  /** The service with the most work in those hours: the extra counter serves it first. */
  serviceCode: z.string(),
  /** Expected share called within the target, as usual and with the advice. */
  shareActual: Share.nullable(),
  shareAdvised: Share.nullable(),
  /** Citizens concerned (expected arrivals in those hours; extend_hours: the backlog at closing). */
  citizens: z.number().nonnegative(),
});
export type StaffingAdviceItem = z.infer<typeof StaffingAdviceItemSchema>;

export const ForecastAccuracySchema = z.object({
  /** The held-back days: forecast from the history before them, compared with what happened. */
  from: DayLabelSchema,
  to: DayLabelSchema,
  days: z.number().int().nonnegative(),
  arrivals: z.number().int().nonnegative(),
  /** Σ|actual − forecast| / Σ actual over department-hours (weighted absolute percentage error). */
  hourlyWape: z.number().nonnegative().nullable(),
  /** Mean absolute percentage error of the daily totals. */
  dailyMape: z.number().nonnegative().nullable(),
});
export type ForecastAccuracy = z.infer<typeof ForecastAccuracySchema>;

export const StaffingAdviceSchema = z.object({
  departmentId: DepartmentIdSchema,
  departmentName: z.string(),
  generatedAt: EpochMsSchema,
  from: DayLabelSchema,
  target: z.object({ minutes: z.number().int().positive(), share: Share }),
  /** Counters the department has (the directory). */
  counters: z.number().int().nonnegative(),
  history: z.object({ from: DayLabelSchema, to: DayLabelSchema, openDays: z.number().int().nonnegative() }),
  serviceTimes: z.array(
    z.object({
      serviceCode: z.string(),
      /** From the call to the end of the service (walking up, recalls and no-shows included). */
      meanHandleSeconds: z.number().positive(),
      samples: z.number().int().nonnegative(),
    }),
  ),
  /** Share of on-duty time counters spent paused (breaks, meetings): capacity the plan allows for. */
  pausedShare: Share,
  accuracy: ForecastAccuracySchema.nullable(),
  days: z.array(StaffingDaySchema),
  advice: z.array(StaffingAdviceItemSchema),
});
export type StaffingAdvice = z.infer<typeof StaffingAdviceSchema>;

/** A declared campaign: more citizens expected for a service over some days. */
export const CampaignInputSchema = z
  .object({
    name: z.string().trim().min(1).max(120),
    departmentIds: z.array(DepartmentIdSchema).min(1).max(200),
    /** null: every service. */
    serviceCode: ServiceCodeSchema.nullable().default(null),
    from: DayLabelSchema,
    to: DayLabelSchema,
    /** Expected extra arrivals, percent (+30 = 1.3 × the forecast). */
    upliftPercent: z.number().int().min(1).max(300),
  })
  .strict()
  .refine((c) => c.from <= c.to, { path: ['to'], message: 'from ≤ to' })
  .refine((c) => new Set(c.departmentIds).size === c.departmentIds.length, {
    path: ['departmentIds'],
    message: 'each department once',
  });
export type CampaignInput = z.infer<typeof CampaignInputSchema>;
export type CampaignInputBody = z.input<typeof CampaignInputSchema>;

export const CampaignSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  departmentIds: z.array(DepartmentIdSchema),
  serviceCode: z.string().nullable(),
  from: DayLabelSchema,
  to: DayLabelSchema,
  upliftPercent: z.number().int(),
  createdAt: EpochMsSchema,
  createdBy: z.string(),
});
export type Campaign = z.infer<typeof CampaignSchema>;

export const CampaignListSchema = z.object({ campaigns: z.array(CampaignSchema) });
export const CampaignResponseSchema = z.object({ campaign: CampaignSchema });
