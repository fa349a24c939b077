import {
  ALERT_RULES,
  type AlertRule,
  type ChecklistResult,
  type ComplaintOutcome,
  type ReportFigures,
} from '@counterwatch/shared';
import { ticketStatus, type TicketRecord } from '../queue/DepartmentQueue.js';
import { p90 } from '../queue/metrics.js';

/**
 * The raw material of a unit's figures over one span: lists, not means, so
 * a department's and the province's figures are the merge of their parts
 * and p90s stay exact. Each ticket fact counts in the span its own event
 * falls in (issued by issue time, a wait by first call, a service by its
 * end, a rating by its time), the same rules as the live metrics.
 */
export class FiguresAccumulator {
  issued = 0;
  served = 0;
  called = 0;
  noShows = 0;
  readonly waits: number[] = [];
  readonly services: number[] = [];
  readonly ratings = { satisfied: 0, neutral: 0, unsatisfied: 0 };
  readonly complaints = new Map<ComplaintOutcome, number>();
  inspections = 0;
  inspectionsWithFailures = 0;
  readonly checks = { pass: 0, fail: 0, not_observed: 0 };
  readonly alertAcks = new Map<AlertRule, { count: number; acks: number[] }>();

  merge(other: FiguresAccumulator): void {
    this.issued += other.issued;
    this.served += other.served;
    this.called += other.called;
    this.noShows += other.noShows;
    this.waits.push(...other.waits);
    this.services.push(...other.services);
    for (const k of ['satisfied', 'neutral', 'unsatisfied'] as const) this.ratings[k] += other.ratings[k];
    for (const [k, n] of other.complaints) this.complaints.set(k, (this.complaints.get(k) ?? 0) + n);
    this.inspections += other.inspections;
    this.inspectionsWithFailures += other.inspectionsWithFailures;
    for (const k of ['pass', 'fail', 'not_observed'] as const) this.checks[k] += other.checks[k];
    for (const [rule, a] of other.alertAcks) {
      const mine = this.#alertRule(rule);
      mine.count += a.count;
      mine.acks.push(...a.acks);
    }
  }

  addComplaint(outcome: ComplaintOutcome): void {
    this.complaints.set(outcome, (this.complaints.get(outcome) ?? 0) + 1);
  }

  addInspection(results: Record<string, ChecklistResult>): void {
    this.inspections += 1;
    const values = Object.values(results);
    if (values.includes('fail')) this.inspectionsWithFailures += 1;
    for (const r of values) this.checks[r] += 1;
  }

  addAlert(rule: AlertRule, ackSeconds: number | null): void {
    const a = this.#alertRule(rule);
    a.count += 1;
    if (ackSeconds !== null) a.acks.push(ackSeconds);
  }

  #alertRule(rule: AlertRule): { count: number; acks: number[] } {
    let a = this.alertAcks.get(rule);
    if (!a) {
      a = { count: 0, acks: [] };
      this.alertAcks.set(rule, a);
    }
    return a;
  }

  figures(targetSeconds: number): ReportFigures {
    const rated = this.ratings.satisfied + this.ratings.neutral + this.ratings.unsatisfied;
    const allAcks = [...this.alertAcks.values()].flatMap((a) => a.acks);
    const byOutcome = Object.fromEntries(
      (['pending', 'no_issue', 'reminder', 'counselling', 'discipline'] as const).map((k) => [
        k,
        this.complaints.get(k) ?? 0,
      ]),
    ) as Record<ComplaintOutcome, number>;
    return {
      issued: this.issued,
      served: this.served,
      called: this.called,
      noShows: this.noShows,
      noShowRate: this.called === 0 ? null : round3(this.noShows / this.called),
      waits: this.waits.length,
      meanWaitSeconds: round1(mean(this.waits)),
      p90WaitSeconds: round1(p90(this.waits)),
      overTargetShare:
        this.waits.length === 0
          ? null
          : round3(this.waits.filter((w) => w > targetSeconds).length / this.waits.length),
      meanServiceSeconds: round1(mean(this.services)),
      p90ServiceSeconds: round1(p90(this.services)),
      ratings: { ...this.ratings },
      rated,
      satisfaction: rated === 0 ? null : round3(this.ratings.satisfied / rated),
      complaints: { total: [...this.complaints.values()].reduce((a, b) => a + b, 0), byOutcome },
      inspections: {
        count: this.inspections,
        withFailures: this.inspectionsWithFailures,
        pass: this.checks.pass,
        fail: this.checks.fail,
        notObserved: this.checks.not_observed,
      },
      alerts: {
        total: [...this.alertAcks.values()].reduce((n, a) => n + a.count, 0),
        acknowledged: allAcks.length,
        meanAckSeconds: round1(mean(allAcks)),
        byRule: ALERT_RULES.flatMap((rule) => {
          const a = this.alertAcks.get(rule);
          if (!a) return [];
          return [
            {
              rule,
              count: a.count,
              acknowledged: a.acks.length,
              meanAckSeconds: round1(mean(a.acks)),
              p90AckSeconds: round1(p90(a.acks)),
            },
          ];
        }),
      },
    };
  }
}

const seconds = (ms: number): number => Math.max(0, ms / 1000);

/**
 * Adds what of one ticket's record happened in [from, to) to its counter's
 * accumulator (and the department's). The record is the business day's
 * folded state, so the facts are exactly those the live metrics count.
 */
export function addTicket(
  t: TicketRecord,
  from: number,
  to: number,
  into: (counterId: string | null) => FiguresAccumulator[],
): void {
  const inSpan = (at: number | null): boolean => at !== null && at >= from && at < to;
  const targets = into(t.counterId);
  const status = ticketStatus(t);
  for (const a of targets) {
    if (inSpan(t.issuedAt)) a.issued += 1;
    if (t.calledAt !== null && inSpan(t.calledAt) && t.issuedAt !== null)
      a.waits.push(seconds(t.calledAt - t.issuedAt));
    // Dealt with at a counter in the span: called in it, or called before and finished or absent in it
    // (a ticket left open last night and finished this morning counts both days, as the live metrics do).
    if (inSpan(t.calledAt) || (t.calledAt !== null && (inSpan(t.finishedAt) || inSpan(t.noShowAt))))
      a.called += 1;
    if (status === 'no_show' && inSpan(t.noShowAt)) a.noShows += 1;
    if (status === 'finished' && t.finishedAt !== null && inSpan(t.finishedAt)) {
      a.served += 1;
      if (t.startedAt !== null) a.services.push(seconds(t.finishedAt - t.startedAt));
    }
    if (t.rating !== null && inSpan(t.ratedAt)) a.ratings[t.rating] += 1;
  }
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

// The same rounding as the live metrics (queue/metrics.ts), so equal inputs give equal figures.
const round1 = (n: number | null): number | null => (n === null ? null : Math.round(n * 10) / 10);
const round3 = (n: number): number => Math.round(n * 1000) / 1000;
