import { z } from 'zod';
import { CounterIdSchema, DepartmentIdSchema, EpochMsSchema } from './ids.js';

export const AlertRuleSchema = z.enum([
  'queue_per_counter',
  'longest_wait',
  'expected_wait',
  'counter_idle',
  'long_service',
  'media_offline',
  'unsatisfied_rating',
  'low_satisfaction',
  'recording_gap',
  'storage_full',
]);
export type AlertRule = z.infer<typeof AlertRuleSchema>;
export const ALERT_RULES = AlertRuleSchema.options;

export const AlertSeveritySchema = z.enum(['info', 'warning', 'critical']);
export type AlertSeverity = z.infer<typeof AlertSeveritySchema>;

export const AlertStateSchema = z.enum(['open', 'acknowledged', 'resolved']);
export type AlertState = z.infer<typeof AlertStateSchema>;

export const AlertSchema = z.object({
  id: z.number().int().positive(),
  rule: AlertRuleSchema,
  severity: AlertSeveritySchema,
  departmentId: DepartmentIdSchema,
  counterId: CounterIdSchema.nullable(),
  /** What the alert is about beyond the counter (a ticket for a rating). */
  subject: z.string().nullable(),
  /** Facts behind it (queue length, minutes…), for the message in either language. */
  details: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
  state: AlertStateSchema,
  openedAt: EpochMsSchema,
  acknowledgedAt: EpochMsSchema.nullable(),
  acknowledgedBy: z.string().nullable(),
  resolvedAt: EpochMsSchema.nullable(),
  /** null when the condition cleared by itself. */
  resolvedBy: z.string().nullable(),
  resolutionNote: z.string().nullable(),
  /**
   * Set aside until then by a person (absent or null: not snoozed). The alert
   * stays active: no new one opens for its condition meanwhile, and it opens
   * again at that time if the condition still holds.
   */
  snoozedUntil: EpochMsSchema.nullable().optional(),
  snoozedBy: z.string().nullable().optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** How long a person can snooze an alert: a quarter of an hour, an hour, or until the department closes today. */
export const AlertSnoozeSchema = z.enum(['15m', '1h', 'end_of_day']);
export type AlertSnooze = z.infer<typeof AlertSnoozeSchema>;

/** Per-department thresholds; every field has a sensible default. */
export const AlertThresholdsSchema = z.object({
  /** Waiting tickets per open counter. */
  queuePerCounter: z.number().int().min(1).max(200),
  /** Service-level target for the longest current wait, minutes. */
  longestWaitMinutes: z.number().int().min(1).max(600),
  /** Expected wait for a ticket issued now, minutes. */
  expectedWaitMinutes: z.number().int().min(1).max(600),
  /** An open counter idle this long while it has tickets waiting: officer absent. */
  idleMinutes: z.number().int().min(1).max(240),
  /** One service running longer than this. */
  longServiceMinutes: z.number().int().min(1).max(480),
  /** Camera or audio offline this long during opening hours. */
  mediaOfflineMinutes: z.number().int().min(0).max(120),
  /** Satisfied share among ratings of the last hour, percent. */
  minSatisfactionPercent: z.number().int().min(0).max(100),
  /** Ratings needed in the last hour before the satisfaction rule speaks. */
  minRatingsForSatisfaction: z.number().int().min(1).max(1000),
});
export type AlertThresholds = z.infer<typeof AlertThresholdsSchema>;

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  queuePerCounter: 8,
  longestWaitMinutes: 30,
  expectedWaitMinutes: 30,
  idleMinutes: 5,
  longServiceMinutes: 30,
  mediaOfflineMinutes: 1,
  minSatisfactionPercent: 70,
  minRatingsForSatisfaction: 5,
};
