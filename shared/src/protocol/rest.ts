import { z } from 'zod';
import {
  AlertSchema,
  AlertSeveritySchema,
  AlertStateSchema,
  AlertThresholdsSchema,
  AlertRuleSchema,
  AlertSnoozeSchema,
} from '../domain/alerts.js';
import { CounterIdSchema, DepartmentIdSchema, EpochMsSchema } from '../domain/ids.js';
import { MediaStatusSchema } from '../domain/media.js';
import { CounterQueueStateSchema, DepartmentMetricsSchema, ServingTicketSchema } from '../domain/metrics.js';

/** Shapes of the REST API (`/api/v1`), for the console, tests and outside tools. */
export const OverviewCounterSchema = z.object({
  id: CounterIdSchema,
  name: z.string(),
  services: z.array(z.string()),
  /** Media status: online / reconnecting / offline. */
  status: MediaStatusSchema,
  queueState: CounterQueueStateSchema,
  queueLength: z.number().int().nonnegative(),
  longestWaitSeconds: z.number().nonnegative().nullable(),
  servingTicket: ServingTicketSchema.nullable(),
  /** Seconds, or null when unknown or unbounded (see expectedWaitUnbounded). */
  expectedWaitSeconds: z.number().nonnegative().nullable(),
  expectedWaitUnbounded: z.boolean(),
  servedToday: z.number().int().nonnegative(),
  satisfaction: z.number().min(0).max(1).nullable(),
  pressure: z.number().nonnegative(),
});
export type OverviewCounter = z.infer<typeof OverviewCounterSchema>;

export const OverviewSchema = z.object({
  at: EpochMsSchema,
  departments: z.array(
    z.object({
      id: DepartmentIdSchema,
      name: z.string(),
      metrics: DepartmentMetricsSchema,
      counters: z.array(OverviewCounterSchema),
    }),
  ),
});
export type Overview = z.infer<typeof OverviewSchema>;

export const AlertQuerySchema = z.object({
  state: AlertStateSchema.optional(),
  departmentId: DepartmentIdSchema.optional(),
  counterId: CounterIdSchema.optional(),
  severity: AlertSeveritySchema.optional(),
  rule: AlertRuleSchema.optional(),
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type AlertQuery = z.infer<typeof AlertQuerySchema>;

export const AlertListSchema = z.object({ alerts: z.array(AlertSchema) });
/**
 * POST /alerts/:id/resolve. While the alert's condition still holds the
 * server refuses (409, details.reason `condition_holds`): resolved, it would
 * open again at once. `evenIfHolding` resolves it anyway, on record.
 */
export const ResolveAlertSchema = z.object({
  note: z.string().trim().min(1).max(1000),
  evenIfHolding: z.boolean().default(false),
});
export const AlertResponseSchema = z.object({ alert: AlertSchema });
export const ResolveAlertResponseSchema = z.object({
  alert: AlertSchema,
  /** The condition still held when it was resolved: a new alert opens for it. */
  conditionHolds: z.boolean(),
});
/** The details of the 409 a resolve gets while the condition holds. */
export const CONDITION_HOLDS = 'condition_holds';

/** POST /alerts/:id/snooze */
export const SnoozeAlertSchema = z.object({
  for: AlertSnoozeSchema,
  note: z.string().trim().max(1000).optional(),
});

export const ThresholdsResponseSchema = z.object({
  departmentId: DepartmentIdSchema,
  thresholds: AlertThresholdsSchema,
});

export const HistoryQuerySchema = z.object({
  departmentId: DepartmentIdSchema,
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
});

/**
 * The console's pages. The server answers each, and any path below it (a
 * review, a report), with the console's index.html; the console routes them.
 * One list, so a page the console adds cannot 404 on reload.
 */
export const CONSOLE_PAGES = [
  '/',
  '/login',
  '/alerts',
  '/departments',
  '/pressure',
  '/inspections',
  '/reviews',
  '/reports',
  '/staffing',
  '/audit',
  '/admin',
  '/agent',
  '/kiosk',
  '/panel',
  '/rating',
  '/board',
] as const;
export type ConsolePage = (typeof CONSOLE_PAGES)[number];

/** Whether `pathname` is a console page or below one. */
export function isConsolePage(pathname: string): boolean {
  return CONSOLE_PAGES.some((page) =>
    page === '/' ? pathname === '/' : pathname === page || pathname.startsWith(`${page}/`),
  );
}
