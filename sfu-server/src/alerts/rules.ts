import type {
  AlertRule,
  AlertSeverity,
  AlertThresholds,
  Counter,
  CounterMedia,
  CounterQueue,
  Department,
  DepartmentMetrics,
} from '@counterwatch/shared';
import { businessDayStart, localWeekdayAndMinute } from '../queue/businessDay.js';

/** A condition that is true now; an alert stays open while its condition holds. */
export interface Condition {
  /** Identifies the condition: one unresolved alert per key. */
  key: string;
  rule: AlertRule;
  severity: AlertSeverity;
  departmentId: string;
  counterId: string | null;
  subject: string | null;
  details: Record<string, number | string | null>;
}

export interface RuleInput {
  department: Department;
  metrics: DepartmentMetrics;
  counters: { counter: Counter; queue: CounterQueue; media: CounterMedia }[];
  thresholds: AlertThresholds;
  now: number;
}

const minutes = (ms: number): number => Math.floor(ms / 60_000);

/** Within the department's opening hours (local time, Asia/Ho_Chi_Minh)? */
export function isOpen(department: Department, at: number): boolean {
  const { weekday, minute } = localWeekdayAndMinute(at);
  if (!department.openingHours.days.includes(weekday)) return false;
  const [oh, om] = department.openingHours.open.split(':').map(Number);
  const [ch, cm] = department.openingHours.close.split(':').map(Number);
  const open = (oh ?? 0) * 60 + (om ?? 0);
  const close = (ch ?? 0) * 60 + (cm ?? 0);
  return minute >= open && minute < close;
}

/**
 * When the department's service ends after `at`: its closing time today when
 * that is still ahead, otherwise the end of the business day (04:00 next
 * morning). "Snooze until end of day" lasts until then.
 */
export function endOfServiceDay(department: Department | undefined, at: number): number {
  const dayEnd = businessDayStart(at) + 24 * 3_600_000;
  if (!department) return dayEnd;
  const { weekday, minute } = localWeekdayAndMinute(at);
  if (!department.openingHours.days.includes(weekday)) return dayEnd;
  const [ch, cm] = department.openingHours.close.split(':').map(Number);
  const close = (ch ?? 0) * 60 + (cm ?? 0);
  if (minute >= close) return dayEnd;
  // From the start of this minute to the closing minute.
  return Math.floor(at / 60_000) * 60_000 + (close - minute) * 60_000;
}

/**
 * The department's active conditions. Each rule reads the current metrics
 * and thresholds; "for N minutes" rules measure from the state's start time.
 * Unsatisfied ratings are events, not conditions (see AlertEngine).
 */
export function evaluateRules(input: RuleInput): Condition[] {
  const { department, metrics: m, thresholds: t, now } = input;
  const d = department.id;
  const out: Condition[] = [];

  if (m.queueLength > 0) {
    if (m.openCounters === 0) {
      if (isOpen(department, now)) {
        out.push({
          key: `${d}:queue_per_counter`,
          rule: 'queue_per_counter',
          severity: 'critical',
          departmentId: d,
          counterId: null,
          subject: null,
          details: { queue: m.queueLength, counters: 0, threshold: t.queuePerCounter },
        });
      }
    } else {
      const perCounter = m.queueLength / m.openCounters;
      if (perCounter > t.queuePerCounter) {
        out.push({
          key: `${d}:queue_per_counter`,
          rule: 'queue_per_counter',
          severity: perCounter > 2 * t.queuePerCounter ? 'critical' : 'warning',
          departmentId: d,
          counterId: null,
          subject: null,
          details: {
            queue: m.queueLength,
            counters: m.openCounters,
            perCounter: Math.round(perCounter * 10) / 10,
            threshold: t.queuePerCounter,
          },
        });
      }
    }
  }

  if (m.longestWaitSeconds !== null && m.longestWaitSeconds > t.longestWaitMinutes * 60) {
    out.push({
      key: `${d}:longest_wait`,
      rule: 'longest_wait',
      severity: 'critical',
      departmentId: d,
      counterId: null,
      subject: null,
      details: { minutes: Math.floor(m.longestWaitSeconds / 60), threshold: t.longestWaitMinutes },
    });
  }

  const late = m.services.filter(
    (s) =>
      (s.expectedWait.kind === 'finite' && s.expectedWait.seconds > t.expectedWaitMinutes * 60) ||
      (s.expectedWait.kind === 'unbounded' && (s.waiting > 0 || s.arrivalsPerHour > 0)),
  );
  if (late.length > 0) {
    const worst = late.find((s) => s.expectedWait.kind === 'unbounded') ?? late[0];
    if (worst) {
      out.push({
        key: `${d}:expected_wait`,
        rule: 'expected_wait',
        severity: 'warning',
        departmentId: d,
        counterId: null,
        subject: null,
        details: {
          service: worst.serviceCode,
          minutes: worst.expectedWait.kind === 'finite' ? Math.round(worst.expectedWait.seconds / 60) : null,
          unbounded: worst.expectedWait.kind === 'unbounded' ? 'yes' : null,
          threshold: t.expectedWaitMinutes,
        },
      });
    }
  }

  if (m.satisfactionLastHour !== null && m.ratingsLastHour >= t.minRatingsForSatisfaction) {
    const percent = Math.round(m.satisfactionLastHour * 100);
    if (percent < t.minSatisfactionPercent) {
      out.push({
        key: `${d}:low_satisfaction`,
        rule: 'low_satisfaction',
        severity: 'warning',
        departmentId: d,
        counterId: null,
        subject: null,
        details: { percent, ratings: m.ratingsLastHour, threshold: t.minSatisfactionPercent },
      });
    }
  }

  const openNow = isOpen(department, now);
  for (const { counter, queue: q, media } of input.counters) {
    const c = counter.id;
    if (
      q.state === 'idle' &&
      q.queueLength > 0 &&
      q.stateSince !== null &&
      now - q.stateSince > t.idleMinutes * 60_000
    ) {
      out.push({
        key: `${d}:${c}:counter_idle`,
        rule: 'counter_idle',
        severity: 'warning',
        departmentId: d,
        counterId: c,
        subject: null,
        details: { minutes: minutes(now - q.stateSince), waiting: q.queueLength, threshold: t.idleMinutes },
      });
    }
    if (
      q.state === 'serving' &&
      q.servingTicket &&
      now - q.servingTicket.since > t.longServiceMinutes * 60_000
    ) {
      out.push({
        key: `${d}:${c}:long_service:${q.servingTicket.ticketId}`,
        rule: 'long_service',
        severity: 'warning',
        departmentId: d,
        counterId: c,
        subject: q.servingTicket.ticketId,
        details: {
          minutes: minutes(now - q.servingTicket.since),
          ticket: q.servingTicket.number,
          threshold: t.longServiceMinutes,
        },
      });
    }
    // A live counter whose recording stalls or fails: what happens there now would be lost for review.
    if (openNow && media.status === 'online' && (media.recording === 'gap' || media.recording === 'error')) {
      out.push({
        key: `${d}:${c}:recording_gap`,
        rule: 'recording_gap',
        severity: media.recording === 'error' ? 'critical' : 'warning',
        departmentId: d,
        counterId: c,
        subject: media.recording,
        details: { what: media.recording },
      });
    }
    // Outside opening hours a dark camera is expected: stay silent.
    if (openNow) {
      const graceMs = t.mediaOfflineMinutes * 60_000;
      const cameraDown = media.status !== 'online';
      if (cameraDown && now - media.since >= graceMs) {
        out.push({
          key: `${d}:${c}:media_offline`,
          rule: 'media_offline',
          severity: 'critical',
          departmentId: d,
          counterId: c,
          subject: 'camera',
          details: { minutes: minutes(now - media.since), what: 'camera', threshold: t.mediaOfflineMinutes },
        });
      } else if (!cameraDown && !media.tracks.includes('audio') && now - media.since >= graceMs) {
        out.push({
          key: `${d}:${c}:media_offline`,
          rule: 'media_offline',
          severity: 'warning',
          departmentId: d,
          counterId: c,
          subject: 'audio',
          details: { minutes: minutes(now - media.since), what: 'audio', threshold: t.mediaOfflineMinutes },
        });
      }
    }
  }
  return out;
}
