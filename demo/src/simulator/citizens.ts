import { SERVICES, type Rating, type ServiceOutcome } from '@counterwatch/shared';
import type { Random, Weighted } from './random.js';

/**
 * How citizens behave. Everything about a citizen is drawn when the ticket is
 * issued, from the arrivals stream, so a seed yields the same citizens whatever
 * the counters do; only what depends on the queue (the wait) is decided later.
 */
export const CITIZEN_BEHAVIOUR = {
  /** Share of citizens who would leave if not called within their patience (~2% actually leave). */
  impatientShare: 0.03,
  patienceMinutes: [5, 40],
  /** Share of called citizens who never come up: recalled once or twice, then no-show. */
  absentShare: 0.04,
  /** Share of present citizens who only come up after one recall. */
  lateShare: 0.05,
  recallIntervalSeconds: [45, 75],
  walkSeconds: [20, 90],
  serviceCv: 0.5,
  /** Outcome shares of served citizens; the rest are `completed`. */
  returnedShare: 0.08,
  transferredShare: 0.03,
  ratingShare: 0.7,
  ratingDelaySeconds: [5, 60],
  commentShare: 0.15,
} as const;

/** Default mix: ward stations mostly see ID cards, residence registration and vehicle registration. */
export const DEFAULT_SERVICE_WEIGHTS: Readonly<Record<string, number>> = {
  'id-card': 30,
  'temporary-residence': 20,
  'permanent-residence': 12,
  'vehicle-registration': 18,
  'criminal-record': 4,
  'driving-licence': 3,
  'traffic-violation': 6,
  'seal-registration': 2,
  passport: 5,
};

export interface ServiceEntry {
  code: string;
  /** Ticket-number prefix: A, B, C… in catalogue order. */
  letter: string;
  typicalMinutes: number;
}

/** The catalogue with a ticket letter per service. */
export const SERVICE_ENTRIES: readonly ServiceEntry[] = SERVICES.map((s, i) => ({
  code: s.code,
  letter: String.fromCharCode(65 + i),
  typicalMinutes: s.typicalMinutes,
}));

export interface Citizen {
  service: ServiceEntry;
  /** Leaves if not called within this time; undefined: waits as long as it takes. */
  patienceMs: number | undefined;
  /** Never comes up when called. */
  absent: boolean;
  /** Gaps before each recall (absent: 1–2 recalls; late: 1; otherwise none). */
  recallGapsMs: number[];
  /** Absent citizens: time from the last recall until the officer marks the ticket no-show. */
  noShowAfterMs: number;
  walkMs: number;
  serviceMs: number;
  outcome: ServiceOutcome;
  rates: boolean;
  ratingDelayMs: number;
  /** Uniform draws kept for the rating, which also depends on the wait. */
  ratingDraw: number;
  commentDraw: number;
}

const seconds = (rng: Random, [min, max]: readonly [number, number]): number => rng.uniform(min, max) * 1000;

export function drawCitizen(rng: Random, mix: readonly Weighted<ServiceEntry>[]): Citizen {
  const b = CITIZEN_BEHAVIOUR;
  const service = rng.weighted(mix);
  const impatient = rng.bernoulli(b.impatientShare);
  const patienceMs = impatient ? rng.uniform(b.patienceMinutes[0], b.patienceMinutes[1]) * 60_000 : undefined;
  const absent = rng.bernoulli(b.absentShare);
  const recalls = absent ? rng.int(1, 2) : rng.bernoulli(b.lateShare) ? 1 : 0;
  const recallGapsMs = Array.from({ length: recalls }, () => seconds(rng, b.recallIntervalSeconds));
  const noShowAfterMs = seconds(rng, b.recallIntervalSeconds);
  const walkMs = seconds(rng, b.walkSeconds);
  const mean = service.typicalMinutes;
  const serviceMs = Math.min(Math.max(rng.lognormal(mean, b.serviceCv), 1), 5 * mean) * 60_000;
  const outcome = rng.weighted<ServiceOutcome>([
    { value: 'returned', weight: b.returnedShare },
    { value: 'transferred', weight: b.transferredShare },
    { value: 'completed', weight: 1 - b.returnedShare - b.transferredShare },
  ]);
  return {
    service,
    patienceMs,
    absent,
    recallGapsMs,
    noShowAfterMs,
    walkMs,
    serviceMs,
    outcome,
    rates: rng.bernoulli(b.ratingShare),
    ratingDelayMs: seconds(rng, b.ratingDelaySeconds),
    ratingDraw: rng.next(),
    commentDraw: rng.next(),
  };
}

/**
 * About 80% satisfied / 14% neutral / 6% unsatisfied at ordinary waits;
 * long waits (beyond ~20 min, saturating at ~80 min) and being sent back for
 * documents make an unsatisfied rating more likely.
 */
export function rateService(
  citizen: Citizen,
  waitMs: number,
): { rating: Rating; comment: string | undefined } {
  const stress = Math.min(Math.max((waitMs / 60_000 - 20) / 60, 0), 1);
  const pUnsatisfied = 0.045 + 0.2 * stress + (citizen.outcome === 'returned' ? 0.06 : 0);
  const pNeutral = 0.13 + 0.08 * stress;
  const u = citizen.ratingDraw;
  const rating: Rating =
    u < pUnsatisfied ? 'unsatisfied' : u < pUnsatisfied + pNeutral ? 'neutral' : 'satisfied';
  return { rating, comment: pickComment(rating, citizen.commentDraw) };
}

const COMMENTS: Record<Rating, readonly string[]> = {
  satisfied: ['Cán bộ nhiệt tình, hướng dẫn rõ ràng.', 'Nhanh gọn, cảm ơn.', 'Thái độ phục vụ tốt.'],
  neutral: ['Tạm được.', 'Hơi đông, phải chờ khá lâu.', 'Cần thêm ghế ngồi chờ.'],
  unsatisfied: [
    'Chờ quá lâu.',
    'Hướng dẫn chưa rõ, phải quay lại bổ sung giấy tờ.',
    'Cán bộ chưa nhiệt tình.',
  ],
};

/** A comment for `commentShare` of ratings; the same draw picks which one. */
function pickComment(rating: Rating, draw: number): string | undefined {
  const share = CITIZEN_BEHAVIOUR.commentShare;
  if (draw >= share) return undefined;
  const options = COMMENTS[rating];
  return options[Math.floor((draw / share) * options.length)];
}
