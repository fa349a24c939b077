import {
  AppError,
  type Clock,
  type ComplaintOutcome,
  type Counter,
  type Department,
  type RankingEntry,
  type Report,
  type ReportDay,
  type ReportQuery,
  type User,
} from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import { inScope } from '../auth/access.js';
import type { Logger } from '../logger.js';
import { businessDayLabel, localHour } from '../queue/businessDay.js';
import { DepartmentQueue } from '../queue/DepartmentQueue.js';
import type { Storage } from '../storage/Storage.js';
import { FiguresAccumulator, addTicket } from './figures.js';
import { reportSpan, type ReportSpan } from './periods.js';

const DAY = 24 * 3_600_000;
/** As the live queue's rebuild: tickets left open two nights ago can still come back. */
const FOLD_DAYS_BEFORE = 2;
const MARGIN_MS = 10 * 60_000;
/** Reads for one report are bounded by the span; this only guards a runaway query. */
const ROW_LIMIT = 1_000_000;
const WITHIN_TARGET_WEIGHT = 0.5;
const SATISFACTION_WEIGHT = 0.5;

export interface ReportDirectory {
  departments(): Department[];
  counters(): Counter[];
}

export type ReportStorage = Pick<Storage, 'listQueueEvents' | 'listAlerts' | 'reviews' | 'inspections'>;

export interface ReportServiceOptions {
  storage: ReportStorage;
  directory: ReportDirectory;
  audit: AuditLog;
  logger: Logger;
  now: Clock;
}

/** One department's material for the current and the previous span. */
interface DepartmentMaterial {
  current: FiguresAccumulator;
  previous: FiguresAccumulator;
  counters: Map<string, { current: FiguresAccumulator; previous: FiguresAccumulator }>;
  days: Map<string, FiguresAccumulator>;
  arrivalsByHour: Map<string, number>;
}

/**
 * Reports over business days, folded from the queue event log with the
 * live queue's own state machine (DepartmentQueue), so a day's figures are
 * the ones the live metrics showed. Generating one is on record.
 */
export class ReportService {
  readonly #storage: ReportStorage;
  readonly #directory: ReportDirectory;
  readonly #audit: AuditLog;
  readonly #logger: Logger;
  readonly #now: Clock;

  constructor(options: ReportServiceOptions) {
    this.#storage = options.storage;
    this.#directory = options.directory;
    this.#audit = options.audit;
    this.#logger = options.logger.child({ module: 'reports' });
    this.#now = options.now;
  }

  /** Departments the user's report may cover; an unknown or foreign department is a 404. */
  scopeOf(user: User, departmentId?: string): Department[] {
    const visible = this.#directory.departments().filter((d) => inScope(user, d.id));
    if (departmentId === undefined) return visible;
    const one = visible.find((d) => d.id === departmentId);
    if (!one) throw new AppError('not_found', `no department ${departmentId}`);
    return [one];
  }

  /**
   * Generates a report for `user`'s scope; `action` says what is on record
   * (viewing it, or exporting it as `format`). The record comes first.
   */
  async generate(
    user: User,
    actor: Actor,
    query: ReportQuery,
    action: { kind: 'view' } | { kind: 'export'; format: 'xlsx' | 'csv' } = { kind: 'view' },
  ): Promise<Report> {
    const departments = this.scopeOf(user, query.departmentId);
    const span = reportSpan(query, this.#now());
    await this.#audit.record({
      action: action.kind === 'view' ? 'report.generate' : 'report.export',
      actor,
      departmentId: query.departmentId ?? null,
      objectType: 'report',
      objectId: `${span.period}:${span.label}`,
      details: {
        ...(action.kind === 'export' ? { format: action.format } : {}),
        departments: departments.map((d) => d.id),
        from: span.from,
        to: span.to,
        targetMinutes: query.targetMinutes,
      },
    });
    const allVisible = this.#directory.departments().every((d) => inScope(user, d.id));
    const scope = query.departmentId !== undefined ? 'department' : allVisible ? 'province' : 'scope';
    return this.build(departments, span, query.targetMinutes, {
      by: user.displayName,
      scope,
    });
  }

  /** The report itself, for given departments (the schedule prepares one with no user). */
  async build(
    departments: Department[],
    span: ReportSpan,
    targetMinutes: number,
    meta: { by: string; scope: Report['scope'] },
  ): Promise<Report> {
    const started = this.#now();
    const targetSeconds = targetMinutes * 60;
    const materials = new Map<string, DepartmentMaterial>();
    for (const d of departments) materials.set(d.id, await this.#material(d.id, span));

    const total = { current: new FiguresAccumulator(), previous: new FiguresAccumulator() };
    const days = new Map<string, FiguresAccumulator>();
    const arrivalsByHour: Record<string, number> = {};
    for (const m of materials.values()) {
      total.current.merge(m.current);
      total.previous.merge(m.previous);
      for (const [day, acc] of m.days) {
        const into = days.get(day) ?? new FiguresAccumulator();
        into.merge(acc);
        days.set(day, into);
      }
      for (const [hour, n] of m.arrivalsByHour) arrivalsByHour[hour] = (arrivalsByHour[hour] ?? 0) + n;
    }

    const reportDepartments = departments.map((d) => {
      const m = materials.get(d.id);
      if (!m) throw new Error('material missing');
      const counters = this.#directory
        .counters()
        .filter((c) => c.departmentId === d.id)
        .map((c) => {
          const cm = m.counters.get(c.id);
          return {
            id: c.id,
            name: c.name,
            figures: (cm?.current ?? new FiguresAccumulator()).figures(targetSeconds),
            previous: (cm?.previous ?? new FiguresAccumulator()).figures(targetSeconds),
          };
        });
      return {
        id: d.id,
        name: d.name,
        figures: m.current.figures(targetSeconds),
        previous: m.previous.figures(targetSeconds),
        counters,
      };
    });

    const current = rank(reportDepartments.map((d) => ({ id: d.id, figures: d.figures })));
    const before = rank(reportDepartments.map((d) => ({ id: d.id, figures: d.previous })));
    const entries: RankingEntry[] = current.map((e) => ({
      ...e,
      previousRank: before.find((b) => b.departmentId === e.departmentId)?.rank ?? null,
    }));

    const dayRows: ReportDay[] = [...days.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([day, acc]) => {
        const f = acc.figures(targetSeconds);
        return {
          day,
          issued: f.issued,
          served: f.served,
          meanWaitSeconds: f.meanWaitSeconds,
          overTargetShare: f.overTargetShare,
          satisfaction: f.satisfaction,
        };
      });

    this.#logger.info(
      { period: span.period, label: span.label, departments: departments.length, ms: this.#now() - started },
      'report generated',
    );
    return {
      period: span.period,
      label: span.label,
      from: span.from,
      to: span.to,
      previousFrom: span.previousFrom,
      previousTo: span.previousTo,
      partial: span.partial,
      targetMinutes,
      generatedAt: this.#now(),
      generatedBy: meta.by,
      scope: meta.scope,
      total: {
        id: meta.scope === 'department' ? (departments[0]?.id ?? '') : meta.scope,
        name: meta.scope === 'department' ? (departments[0]?.name ?? '') : '',
        figures: total.current.figures(targetSeconds),
        previous: total.previous.figures(targetSeconds),
      },
      departments: reportDepartments,
      ranking: {
        basis: {
          kind: 'within_target_and_satisfaction',
          targetMinutes,
          withinTargetWeight: WITHIN_TARGET_WEIGHT,
          satisfactionWeight: SATISFACTION_WEIGHT,
        },
        entries,
      },
      days: dayRows,
      arrivalsByHour,
    };
  }

  async #material(departmentId: string, span: ReportSpan): Promise<DepartmentMaterial> {
    const counterIds = new Set(
      this.#directory
        .counters()
        .filter((c) => c.departmentId === departmentId)
        .map((c) => c.id),
    );
    const m: DepartmentMaterial = {
      current: new FiguresAccumulator(),
      previous: new FiguresAccumulator(),
      counters: new Map(),
      days: new Map(),
      arrivalsByHour: new Map(),
    };
    const counterAcc = (counterId: string | null) => {
      if (counterId === null || !counterIds.has(counterId)) return undefined;
      let c = m.counters.get(counterId);
      if (!c) {
        c = { current: new FiguresAccumulator(), previous: new FiguresAccumulator() };
        m.counters.set(counterId, c);
      }
      return c;
    };

    // Queue facts: the business days folded one after another, as the live queue does.
    const firstDay = span.dayStarts[0] ?? span.from;
    const foldFrom = firstDay - FOLD_DAYS_BEFORE * DAY;
    const events = await this.#storage.listQueueEvents(departmentId, foldFrom - MARGIN_MS);
    const byDay = new Map<number, { event: (typeof events)[number]['event']; at: number }[]>();
    for (const e of events) {
      if (e.correctedAt < foldFrom) continue;
      const index = Math.floor((e.correctedAt - foldFrom) / DAY);
      const list = byDay.get(index) ?? [];
      list.push({ event: e.event, at: e.correctedAt });
      byDay.set(index, list);
    }
    let queue = new DepartmentQueue(departmentId, foldFrom);
    for (let start = foldFrom, index = 0; start < span.to; start += DAY, index += 1) {
      if (start > foldFrom) queue = queue.nextDay(start);
      for (const { event, at } of byDay.get(index) ?? []) queue.apply(event, at);
      if (start + DAY <= span.previousFrom) continue;
      const dayLabel = businessDayLabel(start);
      const dayAcc = new FiguresAccumulator();
      // Each day counts only what happened in it: a ticket left open and resumed the next day is in both.
      const end = start + DAY;
      for (const t of queue.tickets.values()) {
        const c = counterAcc(t.counterId);
        const from = Math.max(start, span.from);
        const to = Math.min(end, span.to);
        addTicket(t, from, to, () => (c ? [m.current, c.current, dayAcc] : [m.current, dayAcc]));
        addTicket(t, Math.max(start, span.previousFrom), Math.min(end, span.previousTo), () =>
          c ? [m.previous, c.previous] : [m.previous],
        );
        if (t.issuedAt !== null && t.issuedAt >= from && t.issuedAt < to) {
          const hour = localHour(t.issuedAt);
          m.arrivalsByHour.set(hour, (m.arrivalsByHour.get(hour) ?? 0) + 1);
        }
      }
      if (end > span.from && start < span.to) m.days.set(dayLabel, dayAcc);
    }

    // Complaints, by the time of the service complained about; outcome: the latest decision.
    const complaints = await this.#storage.reviews.listInteractions({
      departmentIds: [departmentId],
      flagReason: 'complaint',
      from: span.previousFrom,
      to: span.to - 1,
      limit: ROW_LIMIT,
    });
    const decisions = await this.#storage.reviews.decisions(complaints.map((i) => i.id));
    for (const i of complaints) {
      const latest = decisions.filter((d) => d.interactionId === i.id).sort((a, b) => b.at - a.at)[0];
      const outcome: ComplaintOutcome = i.review === 'closed' && latest ? latest.finding : 'pending';
      for (const acc of this.#pick(m, counterAcc(i.counterId), i.startedAt, span)) acc.addComplaint(outcome);
    }

    // Inspections, by their start.
    const inspections = await this.#storage.inspections.list({
      departmentIds: [departmentId],
      limit: ROW_LIMIT,
    });
    for (const ins of inspections) {
      for (const acc of this.#pick(m, counterAcc(ins.counterId), ins.startedAt, span))
        acc.addInspection(ins.results);
    }

    // Alerts, by their opening; acknowledged = acknowledged, or resolved by someone.
    const alerts = await this.#storage.listAlerts({
      departmentId,
      from: span.previousFrom,
      to: span.to - 1,
      limit: ROW_LIMIT,
    });
    for (const a of alerts) {
      const handledAt = a.acknowledgedAt ?? (a.resolvedBy !== null ? a.resolvedAt : null);
      const ack = handledAt === null ? null : Math.max(0, (handledAt - a.openedAt) / 1000);
      for (const acc of this.#pick(m, counterAcc(a.counterId), a.openedAt, span)) acc.addAlert(a.rule, ack);
    }
    return m;
  }

  /** The accumulators a fact at `at` counts in: the department's and its counter's, current or previous. */
  #pick(
    m: DepartmentMaterial,
    counter: { current: FiguresAccumulator; previous: FiguresAccumulator } | undefined,
    at: number,
    span: ReportSpan,
  ): FiguresAccumulator[] {
    if (at >= span.from && at < span.to) return counter ? [m.current, counter.current] : [m.current];
    if (at >= span.previousFrom && at < span.previousTo)
      return counter ? [m.previous, counter.previous] : [m.previous];
    return [];
  }
}

/** Ranks departments by the basis in RankingBasisSchema; unranked (no calls) last. */
function rank(
  rows: { id: string; figures: Report['total']['figures'] }[],
): Omit<RankingEntry, 'previousRank'>[] {
  const scored = rows.map((r) => {
    const within = r.figures.overTargetShare === null ? null : 1 - r.figures.overTargetShare;
    const sat = r.figures.satisfaction;
    const score =
      within === null
        ? null
        : sat === null
          ? within
          : WITHIN_TARGET_WEIGHT * within + SATISFACTION_WEIGHT * sat;
    return {
      departmentId: r.id,
      score: score === null ? null : Math.round(score * 1000) / 1000,
      withinTargetShare: within === null ? null : Math.round(within * 1000) / 1000,
      satisfaction: sat,
    };
  });
  scored.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || a.departmentId.localeCompare(b.departmentId));
  return scored.map((s, i) => ({ ...s, rank: s.score === null ? null : i + 1 }));
}
