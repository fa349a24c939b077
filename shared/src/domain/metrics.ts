import { z } from 'zod';
import { CounterIdSchema, DepartmentIdSchema, EpochMsSchema, OpaqueIdSchema } from './ids.js';
import { PauseReasonSchema } from './queueEvents.js';
import { ServiceCodeSchema } from './services.js';

/**
 * Queue metrics, derived from the stored queue events. Durations are
 * seconds; rates are per hour; shares are 0–1. `null` means "no data yet".
 */
export const CounterQueueStateSchema = z.enum(['serving', 'calling', 'idle', 'paused', 'closed']);
export type CounterQueueState = z.infer<typeof CounterQueueStateSchema>;

export const ServingTicketSchema = z.object({
  ticketId: OpaqueIdSchema,
  number: z.string(),
  serviceCode: ServiceCodeSchema,
  /** When the current phase (called, or service started) began. */
  since: EpochMsSchema,
});
export type ServingTicket = z.infer<typeof ServingTicketSchema>;

/** Expected wait for a ticket issued now: seconds, or unbounded when arrivals outpace service (a = λ/μ ≥ c). */
export const ExpectedWaitSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('finite'), seconds: z.number().nonnegative() }),
  z.object({ kind: z.literal('unbounded') }),
  z.object({ kind: z.literal('unknown') }),
]);
export type ExpectedWait = z.infer<typeof ExpectedWaitSchema>;

export const CounterQueueSchema = z.object({
  state: CounterQueueStateSchema,
  /** The state began at (idle since, paused since…). */
  stateSince: EpochMsSchema.nullable(),
  pauseReason: PauseReasonSchema.nullable(),
  servingTicket: ServingTicketSchema.nullable(),
  /** Waiting tickets this counter can serve. */
  queueLength: z.number().int().nonnegative(),
  longestWaitSeconds: z.number().nonnegative().nullable(),
  /** Issue time of the longest-waiting ticket, so a display can count up by itself. */
  oldestWaitingSince: EpochMsSchema.nullable(),
  expectedWait: ExpectedWaitSchema,
  meanWaitSeconds: z.number().nonnegative().nullable(),
  p90WaitSeconds: z.number().nonnegative().nullable(),
  meanServiceSeconds: z.number().nonnegative().nullable(),
  p90ServiceSeconds: z.number().nonnegative().nullable(),
  servedLastHour: z.number().int().nonnegative(),
  servedToday: z.number().int().nonnegative(),
  noShowRate: z.number().min(0).max(1).nullable(),
  satisfaction: z.number().min(0).max(1).nullable(),
  ratedToday: z.number().int().nonnegative(),
  /** How overloaded, for ranking: 1 = at a threshold, above 1 = over it. */
  pressure: z.number().nonnegative(),
});
export type CounterQueue = z.infer<typeof CounterQueueSchema>;

export const ServiceMetricsSchema = z.object({
  serviceCode: ServiceCodeSchema,
  waiting: z.number().int().nonnegative(),
  /** λ: tickets issued per hour, over the last hour. */
  arrivalsPerHour: z.number().nonnegative(),
  /** Mean service time used for μ (measured today, else the service's typical time). */
  meanServiceSeconds: z.number().positive(),
  openCounters: z.number().int().nonnegative(),
  /** Erlang C (M/M/c steady state) for the measured λ, μ and c. */
  erlangWait: ExpectedWaitSchema,
  /** A ticket issued now: Erlang C, or the time to clear the queue it joins if longer. */
  expectedWait: ExpectedWaitSchema,
});
export type ServiceMetrics = z.infer<typeof ServiceMetricsSchema>;

export const DepartmentMetricsSchema = z.object({
  departmentId: DepartmentIdSchema,
  at: EpochMsSchema,
  queueLength: z.number().int().nonnegative(),
  longestWaitSeconds: z.number().nonnegative().nullable(),
  openCounters: z.number().int().nonnegative(),
  meanWaitSeconds: z.number().nonnegative().nullable(),
  p90WaitSeconds: z.number().nonnegative().nullable(),
  meanServiceSeconds: z.number().nonnegative().nullable(),
  p90ServiceSeconds: z.number().nonnegative().nullable(),
  servedLastHour: z.number().int().nonnegative(),
  servedToday: z.number().int().nonnegative(),
  issuedToday: z.number().int().nonnegative(),
  /**
   * Tickets still open (waiting, called, being served) when the previous
   * business day ended at 04:00: closed with that day, not in today's queue
   * unless something happened to them since (then they are back, counted in
   * `resumedFromPreviousDay`).
   */
  openFromPreviousDay: z.number().int().nonnegative(),
  resumedFromPreviousDay: z.number().int().nonnegative(),
  noShowRate: z.number().min(0).max(1).nullable(),
  satisfaction: z.number().min(0).max(1).nullable(),
  satisfactionLastHour: z.number().min(0).max(1).nullable(),
  ratingsLastHour: z.number().int().nonnegative(),
  ratingsToday: z.object({
    satisfied: z.number().int().nonnegative(),
    neutral: z.number().int().nonnegative(),
    unsatisfied: z.number().int().nonnegative(),
  }),
  services: z.array(ServiceMetricsSchema),
});
export type DepartmentMetrics = z.infer<typeof DepartmentMetricsSchema>;

/** One business day of a department, summed up when it ends. */
export const DailyAggregateSchema = z.object({
  day: z.string(),
  issued: z.number().int().nonnegative(),
  served: z.number().int().nonnegative(),
  meanWaitSeconds: z.number().nonnegative().nullable(),
  satisfaction: z.number().min(0).max(1).nullable(),
  noShowRate: z.number().min(0).max(1).nullable(),
  /** Tickets still open when the day ended at 04:00 (days summed up before this was kept: 0). */
  leftOpen: z.number().int().nonnegative().default(0),
});
export type DailyAggregate = z.infer<typeof DailyAggregateSchema>;

/** One point of a department's day: sampled every 10 s. */
export const HistoryPointSchema = z.object({
  at: EpochMsSchema,
  queueLength: z.number().int().nonnegative(),
  longestWaitSeconds: z.number().nonnegative().nullable(),
  meanWaitSeconds: z.number().nonnegative().nullable(),
  openCounters: z.number().int().nonnegative(),
  servedToday: z.number().int().nonnegative(),
  satisfaction: z.number().min(0).max(1).nullable(),
  counters: z.record(CounterIdSchema, z.object({ queueLength: z.number().int().nonnegative() })),
});
export type HistoryPoint = z.infer<typeof HistoryPointSchema>;

export const MetricsHistorySchema = z.object({
  departmentId: DepartmentIdSchema,
  from: EpochMsSchema,
  to: EpochMsSchema,
  points: z.array(HistoryPointSchema),
  /** Tickets finished per counter per local hour: { counterId: { "08": 5, … } }. */
  servedByHour: z.record(CounterIdSchema, z.record(z.string(), z.number().int().nonnegative())),
  daily: z.array(DailyAggregateSchema),
});
export type MetricsHistory = z.infer<typeof MetricsHistorySchema>;
