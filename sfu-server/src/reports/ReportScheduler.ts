import { z } from 'zod';
import {
  PreparedReportSchema,
  type Clock,
  type PreparedReport,
  type ReportFigures,
  type User,
} from '@counterwatch/shared';
import type { AuditLog } from '../audit/AuditLog.js';
import { inScope } from '../auth/access.js';
import type { Logger } from '../logger.js';
import { businessDayLabel, businessDayStart } from '../queue/businessDay.js';
import type { SettingsStore } from '../storage/Storage.js';
import { reportSpan } from './periods.js';
import type { ReportDirectory, ReportService } from './ReportService.js';

const DAY = 24 * 3_600_000;
const SETTINGS_KEY = 'reports.prepared';
/** Prepared reports kept in the list (a month of days and a quarter of weeks). */
const KEEP = 45;
const DEFAULT_TARGET_MINUTES = 15;
const PREPARE_AFTER_MS = 3_600_000;

const Summary = z.object({
  served: z.number().int().nonnegative(),
  satisfaction: z.number().nullable(),
  meanWaitSeconds: z.number().nullable(),
});
const StoredSchema = z.array(
  PreparedReportSchema.omit({ served: true, satisfaction: true, meanWaitSeconds: true }).extend({
    total: Summary,
    byDepartment: z.record(z.string(), Summary),
  }),
);
type Stored = z.infer<typeof StoredSchema>[number];

const summary = (f: ReportFigures): z.infer<typeof Summary> => ({
  served: f.served,
  satisfaction: f.satisfaction,
  meanWaitSeconds: f.meanWaitSeconds,
});

/**
 * Prepares yesterday's report and last week's once their period has ended
 * (on the injected clock), so they wait in the console in the morning. What
 * is kept is the list with headline figures per department; opening one
 * regenerates it for the reader's scope (a head never sees the province).
 */
export class ReportScheduler {
  readonly #reports: ReportService;
  readonly #directory: ReportDirectory;
  readonly #settings: SettingsStore;
  readonly #audit: AuditLog;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #leads: () => boolean;
  #timer: ReturnType<typeof setInterval> | undefined;
  #running: Promise<void> | undefined;
  #closed = false;

  constructor(options: {
    reports: ReportService;
    directory: ReportDirectory;
    settings: SettingsStore;
    audit: AuditLog;
    logger: Logger;
    now: Clock;
    /** Of several server processes on one database, only the writer prepares (once, not once each). */
    leads?: () => boolean;
  }) {
    this.#reports = options.reports;
    this.#directory = options.directory;
    this.#settings = options.settings;
    this.#audit = options.audit;
    this.#logger = options.logger.child({ module: 'report-schedule' });
    this.#now = options.now;
    this.#leads = options.leads ?? (() => true);
  }

  /** Checks now and every minute after. */
  start(intervalMs = 60_000): void {
    void this.runDue();
    this.#timer = setInterval(() => void this.runDue(), intervalMs);
  }

  /** Stops the schedule; resolves once a run in progress has finished (storage closes after). */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  /** Prepares whatever is due and missing; one run at a time. Resolves when done. */
  runDue(): Promise<void> {
    this.#running ??= this.#runDue().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #runDue(): Promise<void> {
    // Checked every minute: when the writer goes, the next one prepares what is still missing.
    if (this.#closed || !this.#leads()) return;
    const now = this.#now();
    // An hour after the day turns: outboxes of counters that were offline have had time to drain.
    if (now - businessDayStart(now) < PREPARE_AFTER_MS) return;
    const yesterday = businessDayLabel(businessDayStart(now) - DAY);
    const due: { period: 'day' | 'week'; date: string }[] = [{ period: 'day', date: yesterday }];
    // Last week: the Monday-to-Sunday week that ended before today's.
    const todayLabel = businessDayLabel(now);
    const weekday = new Date(`${todayLabel}T00:00:00Z`).getUTCDay() || 7;
    due.push({ period: 'week', date: businessDayLabel(businessDayStart(now) - weekday * DAY) });
    try {
      const stored = await this.#load();
      for (const q of due) {
        const span = reportSpan({ ...q, targetMinutes: DEFAULT_TARGET_MINUTES }, now);
        const id = `${q.period}:${span.label}`;
        if (stored.some((s) => s.id === id)) continue;
        await this.#audit.record({
          action: 'report.generate',
          actor: { userId: null, username: 'system', ip: null },
          objectType: 'report',
          objectId: id,
          details: { scheduled: true, from: span.from, to: span.to },
        });
        const report = await this.#reports.build(
          this.#directory.departments(),
          span,
          DEFAULT_TARGET_MINUTES,
          { by: 'system', scope: 'province' },
        );
        stored.unshift({
          id,
          period: q.period,
          label: span.label,
          query: q,
          preparedAt: now,
          total: summary(report.total.figures),
          byDepartment: Object.fromEntries(report.departments.map((d) => [d.id, summary(d.figures)])),
        });
        await this.#settings.set(SETTINGS_KEY, stored.slice(0, KEEP));
        this.#logger.info({ id }, 'scheduled report prepared');
      }
    } catch (error) {
      this.#logger.error({ err: error }, 'scheduled report not prepared');
    }
  }

  async #load(): Promise<Stored[]> {
    const parsed = StoredSchema.safeParse((await this.#settings.get(SETTINGS_KEY)) ?? []);
    if (!parsed.success) {
      this.#logger.warn('prepared report list unreadable; starting a new one');
      return [];
    }
    return parsed.data;
  }

  /** The prepared reports, with headline figures the user may see (theirs, or the province's). */
  async list(user: User): Promise<PreparedReport[]> {
    const all = this.#directory.departments();
    const mine = all.filter((d) => inScope(user, d.id));
    return (await this.#load()).map((s) => {
      const figures =
        mine.length === all.length
          ? s.total
          : mine.length === 1 && mine[0]
            ? (s.byDepartment[mine[0].id] ?? { served: 0, satisfaction: null, meanWaitSeconds: null })
            : { served: 0, satisfaction: null, meanWaitSeconds: null };
      return {
        id: s.id,
        period: s.period,
        label: s.label,
        query: s.query,
        preparedAt: s.preparedAt,
        ...figures,
      };
    });
  }
}
