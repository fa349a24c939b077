import { CounterIdSchema, DepartmentIdSchema, type PauseReason, type QueueEvent } from '@counterwatch/shared';
import {
  DEFAULT_SERVICE_WEIGHTS,
  SERVICE_ENTRIES,
  drawCitizen,
  rateService,
  type Citizen,
  type ServiceEntry,
} from './citizens.js';
import { DEFAULT_OPEN_MINUTES, createArrivalProfile, type ArrivalProfile } from './profile.js';
import { Random, type Weighted } from './random.js';
import { TimeQueue } from './TimeQueue.js';

export interface SimCounter {
  id: string;
  services: string[];
}

export interface DepartmentDayOptions {
  departmentId: string;
  counters: SimCounter[];
  seed: number;
  /** Expected arrivals over the day. Default 300. */
  dailyCitizens?: number;
  /** Length of the opening hours. Default 570 (07:30–17:00). */
  openMinutes?: number;
  /**
   * Relative demand per service code (catalogue codes only). Services no
   * counter serves are dropped: the kiosk only offers what the department does.
   */
  serviceWeights?: Record<string, number>;
  /** Maps simulated ms since opening to the epoch ms stamped on events (occurredAt); non-decreasing. */
  stamp: (simMs: number) => number;
  /** Arrivals over the day instead of the default shape scaled to `dailyCitizens` (a forecast, for one). */
  profile?: ArrivalProfile;
  /**
   * Counters on duty in each hour since opening (a staffing plan): counter i
   * works in hour h while i < roster[h]; beyond the list, the last entry.
   * Counters beyond the plan finish the citizen in hand and close; they open
   * again when the plan asks. Default: every counter all day.
   */
  roster?: readonly number[];
}

/** How counters and the department are run. */
export const OPERATIONS = {
  /** Counters open within this long after the doors. */
  openingJitterSeconds: 120,
  breakEveryMinutes: [120, 180],
  breakMinutes: [10, 15],
  meetingShare: 0.12,
  meetingMinutes: [20, 45],
  technicalShare: 0.08,
  technicalMinutes: [5, 20],
  /** Pause between finishing one citizen and calling the next. */
  gapSeconds: [10, 40],
  /** At closing time, stay open only if the backlog looks clearable within this long… */
  overtimeEstimateMinutes: 45,
  /** …and close regardless this long after closing time. */
  overtimeLimitMinutes: 90,
  /** Per-citizen overhead (walking, gaps) added to typical minutes when estimating the backlog. */
  overheadMinutes: 1.5,
} as const;

const MINUTE = 60_000;

type TicketState = 'waiting' | 'called' | 'serving' | 'done' | 'cancelled' | 'no_show';

interface Ticket {
  /** Issue order within the day: FIFO key. */
  n: number;
  id: string;
  number: string;
  citizen: Citizen;
  issuedAt: number;
  startedAt: number;
  state: TicketState;
}

interface Counter {
  id: string;
  index: number;
  services: ReadonlySet<string>;
  sourceId: string;
  ratingSourceId: string;
  /** `busy` covers calling, serving and the short gap after a citizen. */
  /** `off`: not on duty in this hour of the roster (opens again when it is). */
  phase: 'unopened' | 'idle' | 'busy' | 'paused' | 'off' | 'closed';
  idleSince: number;
  /** Pauses that came due while busy: taken at the next free moment. */
  pauseWishes: PauseWish[];
  closeWhenFree: boolean;
}

interface PauseWish {
  reason: PauseReason;
  durationMs: number;
}

type Happening =
  | { kind: 'arrival' }
  | { kind: 'patience'; ticket: Ticket }
  | { kind: 'open'; counter: Counter }
  | { kind: 'recall'; counter: Counter; ticket: Ticket; index: number }
  | { kind: 'no_show'; counter: Counter; ticket: Ticket }
  | { kind: 'start'; counter: Counter; ticket: Ticket }
  | { kind: 'finish'; counter: Counter; ticket: Ticket }
  | { kind: 'rating'; counter: Counter; ticket: Ticket }
  | { kind: 'free'; counter: Counter }
  | { kind: 'pause_due'; counter: Counter; wish: PauseWish }
  | { kind: 'resume'; counter: Counter; wish: PauseWish }
  | { kind: 'roster'; hour: number }
  | { kind: 'closing' }
  | { kind: 'overtime_limit' };

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type EventBody = DistributiveOmit<QueueEvent, 'id' | 'departmentId' | 'occurredAt' | 'source'>;

/**
 * The simulator's sources are its own: `sim:…`, never the ids the real
 * department devices use, so a person trying the kiosk or the rating pad in
 * the demo and the simulated day never compete for one source's sequence.
 */
const KIOSK = 'sim:kiosk';
/** Room left in a 64-char source id after `sim:rating:`. */
const MAX_COUNTER_ID_LENGTH = 64 - 'sim:rating:'.length;

/**
 * One department's day as a discrete-event simulation: a time-ordered queue
 * of happenings (arrivals, calls, service ends, breaks…) is processed in
 * order, each emitting queue events and scheduling what follows. Randomness
 * comes from two seeded streams (citizens, operations), so a seed reproduces
 * the day exactly however `advanceTo` is sliced.
 */
export class DepartmentDay {
  readonly departmentId: string;
  /** Closing time, in simulated ms since opening. */
  readonly closingMs: number;
  private readonly seed: number;
  private readonly stamp: (simMs: number) => number;
  private readonly profile: ArrivalProfile;
  private readonly roster: readonly number[] | undefined;
  private onDuty = Number.POSITIVE_INFINITY;
  private readonly mix: Weighted<ServiceEntry>[];
  private readonly citizensRng: Random;
  private readonly opsRng: Random;
  private readonly counters: Counter[];
  private readonly agenda = new TimeQueue<Happening>();
  /** Waiting tickets per service code, in issue order (left-over heads are skipped lazily). */
  private readonly queues = new Map<string, Ticket[]>();
  private readonly seqs = new Map<string, number>();
  private readonly ticketNumbers = new Map<string, number>();
  private now = 0;
  private eventCount = 0;
  private ticketCount = 0;
  private mode: 'open' | 'overtime' | 'closing' = 'open';
  private out: QueueEvent[] = [];

  constructor(options: DepartmentDayOptions) {
    const { departmentId, counters, seed } = options;
    DepartmentIdSchema.parse(departmentId);
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    // Ids look like sim-<seed>-<department>-e<n>; keep room for n within the 100-char limit.
    if (`sim-${seed}-${departmentId}-e`.length + 9 > 100) {
      throw new RangeError('seed and departmentId are too long for event ids');
    }
    if (counters.length === 0) throw new RangeError('a department needs at least one counter');
    const ids = new Set<string>();
    for (const c of counters) {
      CounterIdSchema.parse(c.id);
      if (c.id.length > MAX_COUNTER_ID_LENGTH) {
        throw new RangeError(`counter id ${c.id} is too long for a source id`);
      }
      if (ids.has(c.id)) throw new RangeError(`duplicate counter id ${c.id}`);
      ids.add(c.id);
    }

    this.departmentId = departmentId;
    this.seed = seed;
    this.stamp = options.stamp;
    const openMinutes = options.openMinutes ?? DEFAULT_OPEN_MINUTES;
    this.profile = options.profile ?? createArrivalProfile(options.dailyCitizens ?? 300, openMinutes);
    this.closingMs = openMinutes * MINUTE;
    if (options.roster !== undefined) {
      if (options.roster.length === 0 || options.roster.some((n) => !Number.isInteger(n) || n < 0))
        throw new RangeError('a roster is a list of whole numbers of counters per hour');
      this.roster = options.roster;
      this.onDuty = options.roster[0] ?? 0;
      for (let h = 1; h * 60 * MINUTE < this.closingMs; h++)
        this.agenda.push(h * 60 * MINUTE, { kind: 'roster', hour: h });
    } else {
      this.roster = undefined;
    }
    this.mix = serviceMix(counters, options.serviceWeights ?? DEFAULT_SERVICE_WEIGHTS);
    this.citizensRng = new Random(`${seed}:${departmentId}:citizens`);
    this.opsRng = new Random(`${seed}:${departmentId}:operations`);
    this.counters = counters.map((c, index) => ({
      id: c.id,
      index,
      services: new Set(c.services),
      sourceId: `sim:counter:${c.id}`,
      ratingSourceId: `sim:rating:${c.id}`,
      phase: 'unopened',
      idleSince: 0,
      pauseWishes: [],
      closeWhenFree: false,
    }));
    for (const entry of this.mix) this.queues.set(entry.value.code, []);

    const jitterMs = Math.min(OPERATIONS.openingJitterSeconds * 1000, this.closingMs / 10);
    for (const counter of this.counters) {
      this.agenda.push(this.opsRng.uniform(0, jitterMs), { kind: 'open', counter });
    }
    this.agenda.push(this.closingMs, { kind: 'closing' });
    this.scheduleNextArrival(0);
  }

  /**
   * Runs the simulation up to `simMs` (ms since opening) and returns the
   * events that happened, in time order. A target earlier than a previous
   * one yields nothing. `Infinity` runs the day to its end.
   */
  advanceTo(simMs: number): QueueEvent[] {
    this.out = [];
    for (let t = this.agenda.peekTime(); t !== undefined && t <= simMs; t = this.agenda.peekTime()) {
      const next = this.agenda.pop();
      if (next === undefined) break;
      this.now = next.time;
      this.handle(next.item);
    }
    return this.out;
  }

  /** Runs the rest of the day. */
  runToEnd(): QueueEvent[] {
    return this.advanceTo(Number.POSITIVE_INFINITY);
  }

  /** True once every counter is closed and nothing more will happen. */
  get finished(): boolean {
    return this.counters.every((c) => c.phase === 'closed') && !this.agenda.items().some((h) => this.live(h));
  }

  private handle(h: Happening): void {
    switch (h.kind) {
      case 'arrival':
        this.onArrival();
        return;
      case 'patience':
        if (h.ticket.state === 'waiting') this.cancel(h.ticket);
        return;
      case 'open':
        // Closed before it ever opened (a day shorter than the opening jitter).
        if (h.counter.phase !== 'unopened') return;
        if (!this.onDutyNow(h.counter)) {
          h.counter.phase = 'off';
          return;
        }
        this.emit(h.counter.sourceId, { type: 'counter.opened', counterId: h.counter.id });
        this.scheduleCounterDay(h.counter);
        this.becomeFree(h.counter);
        return;
      case 'recall':
        this.onRecall(h.counter, h.ticket, h.index);
        return;
      case 'no_show':
        h.ticket.state = 'no_show';
        this.emit(h.counter.sourceId, {
          type: 'ticket.no_show',
          ticketId: h.ticket.id,
          counterId: h.counter.id,
        });
        this.scheduleGap(h.counter);
        return;
      case 'start':
        h.ticket.state = 'serving';
        h.ticket.startedAt = this.now;
        this.emit(h.counter.sourceId, {
          type: 'service.started',
          ticketId: h.ticket.id,
          counterId: h.counter.id,
        });
        this.agenda.push(this.now + h.ticket.citizen.serviceMs, {
          kind: 'finish',
          counter: h.counter,
          ticket: h.ticket,
        });
        return;
      case 'finish':
        this.onFinish(h.counter, h.ticket);
        return;
      case 'rating':
        this.onRating(h.counter, h.ticket);
        return;
      case 'free':
        this.becomeFree(h.counter);
        return;
      case 'pause_due':
        this.onPauseDue(h.counter, h.wish);
        return;
      case 'resume':
        this.onResume(h.counter, h.wish);
        return;
      case 'roster':
        this.onRoster(h.hour);
        return;
      case 'closing':
        this.onClosing();
        return;
      case 'overtime_limit':
        if (this.mode === 'overtime') this.closeDepartment();
        return;
    }
  }

  /** Whether a queued happening can still produce events (stale timers cannot). */
  private live(h: Happening): boolean {
    switch (h.kind) {
      case 'patience':
        return h.ticket.state === 'waiting';
      case 'pause_due':
        return this.mode === 'open' && h.counter.phase !== 'closed';
      case 'resume':
        return h.counter.phase === 'paused';
      case 'overtime_limit':
        return this.mode === 'overtime';
      case 'open':
        return h.counter.phase === 'unopened';
      case 'arrival':
      case 'recall':
      case 'no_show':
      case 'start':
      case 'finish':
      case 'rating':
      case 'free':
      case 'closing':
        return true;
      case 'roster':
        return this.mode === 'open';
    }
  }

  // --- Citizens -----------------------------------------------------------

  /** Thinning: candidate times from the envelope rate, accepted with probability rate/envelope. */
  private scheduleNextArrival(from: number): void {
    const maxPerMs = this.profile.maxRate / MINUTE;
    if (!(maxPerMs > 0)) return;
    for (let t = from; ;) {
      t += this.citizensRng.exponential(maxPerMs);
      if (t >= this.closingMs) return;
      if (this.citizensRng.next() * this.profile.maxRate < this.profile.rate(t / MINUTE)) {
        this.agenda.push(t, { kind: 'arrival' });
        return;
      }
    }
  }

  private onArrival(): void {
    const citizen = drawCitizen(this.citizensRng, this.mix);
    const { code, letter } = citizen.service;
    const number = (this.ticketNumbers.get(code) ?? 0) + 1;
    this.ticketNumbers.set(code, number);
    const n = ++this.ticketCount;
    const ticket: Ticket = {
      n,
      id: `sim-${this.seed}-${this.departmentId}-t${n}`,
      number: `${letter}${String(number).padStart(3, '0')}`,
      citizen,
      issuedAt: this.now,
      startedAt: 0,
      state: 'waiting',
    };
    this.emit(KIOSK, {
      type: 'ticket.issued',
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      serviceCode: code,
    });
    this.queueFor(code).push(ticket);
    if (citizen.patienceMs !== undefined) {
      this.agenda.push(this.now + citizen.patienceMs, { kind: 'patience', ticket });
    }
    this.scheduleNextArrival(this.now);

    // The counter that has been idle longest takes the new ticket.
    let best: Counter | undefined;
    for (const c of this.counters) {
      if (c.phase !== 'idle' || !c.services.has(code)) continue;
      if (best === undefined || c.idleSince < best.idleSince) best = c;
    }
    if (best !== undefined) this.call(best, ticket);
  }

  private cancel(ticket: Ticket): void {
    ticket.state = 'cancelled';
    this.emit(KIOSK, { type: 'ticket.cancelled', ticketId: ticket.id });
  }

  private call(counter: Counter, ticket: Ticket): void {
    const queue = this.queueFor(ticket.citizen.service.code);
    // The called ticket is always the live head of its queue.
    if (queue[0] === ticket) queue.shift();
    ticket.state = 'called';
    counter.phase = 'busy';
    this.emit(counter.sourceId, { type: 'ticket.called', ticketId: ticket.id, counterId: counter.id });
    this.afterCall(counter, ticket, 0);
  }

  /** What follows a call or the `index`-th recall: another recall, the citizen coming up, or a no-show. */
  private afterCall(counter: Counter, ticket: Ticket, index: number): void {
    const { recallGapsMs, absent, noShowAfterMs, walkMs } = ticket.citizen;
    const gap = recallGapsMs[index];
    if (gap !== undefined) {
      this.agenda.push(this.now + gap, { kind: 'recall', counter, ticket, index: index + 1 });
    } else if (absent) {
      this.agenda.push(this.now + noShowAfterMs, { kind: 'no_show', counter, ticket });
    } else {
      this.agenda.push(this.now + walkMs, { kind: 'start', counter, ticket });
    }
  }

  private onRecall(counter: Counter, ticket: Ticket, index: number): void {
    this.emit(counter.sourceId, { type: 'ticket.recalled', ticketId: ticket.id, counterId: counter.id });
    this.afterCall(counter, ticket, index);
  }

  private onFinish(counter: Counter, ticket: Ticket): void {
    ticket.state = 'done';
    this.emit(counter.sourceId, {
      type: 'service.finished',
      ticketId: ticket.id,
      counterId: counter.id,
      outcome: ticket.citizen.outcome,
    });
    if (ticket.citizen.rates) {
      this.agenda.push(this.now + ticket.citizen.ratingDelayMs, { kind: 'rating', counter, ticket });
    }
    this.scheduleGap(counter);
  }

  private onRating(counter: Counter, ticket: Ticket): void {
    const { rating, comment } = rateService(ticket.citizen, ticket.startedAt - ticket.issuedAt);
    this.emit(counter.ratingSourceId, {
      type: 'rating.submitted',
      ticketId: ticket.id,
      counterId: counter.id,
      rating,
      ...(comment === undefined ? {} : { comment }),
    });
  }

  // --- Counters -----------------------------------------------------------

  /** Breaks every 2–3 h; now and then a meeting or a technical problem. */
  private scheduleCounterDay(counter: Counter): void {
    this.scheduleBreak(counter);
    const rng = this.opsRng;
    const minutes = ([min, max]: readonly [number, number]): number => rng.uniform(min, max) * MINUTE;
    if (rng.bernoulli(OPERATIONS.meetingShare)) {
      const at = rng.uniform(0.1, 0.8) * this.closingMs;
      const wish = { reason: 'meeting' as const, durationMs: minutes(OPERATIONS.meetingMinutes) };
      this.agenda.push(at, { kind: 'pause_due', counter, wish });
    }
    if (rng.bernoulli(OPERATIONS.technicalShare)) {
      const at = rng.uniform(0.05, 0.95) * this.closingMs;
      const wish = { reason: 'technical' as const, durationMs: minutes(OPERATIONS.technicalMinutes) };
      this.agenda.push(at, { kind: 'pause_due', counter, wish });
    }
  }

  private scheduleBreak(counter: Counter): void {
    const [every0, every1] = OPERATIONS.breakEveryMinutes;
    const [len0, len1] = OPERATIONS.breakMinutes;
    const at = this.now + this.opsRng.uniform(every0, every1) * MINUTE;
    if (at >= this.closingMs) return;
    const wish: PauseWish = { reason: 'break', durationMs: this.opsRng.uniform(len0, len1) * MINUTE };
    this.agenda.push(at, { kind: 'pause_due', counter, wish });
  }

  private scheduleGap(counter: Counter): void {
    const [min, max] = OPERATIONS.gapSeconds;
    this.agenda.push(this.now + this.opsRng.uniform(min, max) * 1000, { kind: 'free', counter });
  }

  /** A counter with nothing in hand: close, pause, call the longest-waiting ticket, or wait. */
  private becomeFree(counter: Counter): void {
    const next = this.longestWaiting(counter);
    if (counter.closeWhenFree || (this.mode === 'overtime' && next === undefined)) {
      this.close(counter);
      return;
    }
    if (this.mode === 'open' && !this.onDutyNow(counter)) {
      this.goOff(counter);
      return;
    }
    const wish = counter.pauseWishes.shift();
    if (wish !== undefined) {
      this.pause(counter, wish);
    } else if (next !== undefined) {
      this.call(counter, next);
    } else {
      counter.phase = 'idle';
      counter.idleSince = this.now;
    }
  }

  private onPauseDue(counter: Counter, wish: PauseWish): void {
    if (this.mode !== 'open' || counter.phase === 'closed' || counter.phase === 'off') return;
    if (counter.phase === 'idle') this.pause(counter, wish);
    else counter.pauseWishes.push(wish);
  }

  private pause(counter: Counter, wish: PauseWish): void {
    counter.phase = 'paused';
    this.emit(counter.sourceId, { type: 'counter.paused', counterId: counter.id, reason: wish.reason });
    this.agenda.push(this.now + wish.durationMs, { kind: 'resume', counter, wish });
  }

  private onResume(counter: Counter, wish: PauseWish): void {
    // Closed while paused: the resume is stale.
    if (counter.phase !== 'paused') return;
    counter.phase = 'busy';
    this.emit(counter.sourceId, { type: 'counter.opened', counterId: counter.id });
    if (wish.reason === 'break' && this.mode === 'open') this.scheduleBreak(counter);
    this.becomeFree(counter);
  }

  private onDutyNow(counter: Counter): boolean {
    return counter.index < this.onDuty;
  }

  /** The roster's next hour: counters beyond it leave once free, those within it (back) on duty open. */
  private onRoster(hour: number): void {
    if (this.mode !== 'open' || this.roster === undefined) return;
    this.onDuty = this.roster[Math.min(hour, this.roster.length - 1)] ?? 0;
    for (const c of this.counters) {
      if (this.onDutyNow(c) && c.phase === 'off') {
        this.emit(c.sourceId, { type: 'counter.opened', counterId: c.id });
        this.scheduleBreak(c);
        this.becomeFree(c);
      } else if (!this.onDutyNow(c) && c.phase === 'idle') {
        this.goOff(c);
      }
    }
  }

  /** Off duty for now: closed to citizens until the roster brings it back. */
  private goOff(counter: Counter): void {
    counter.phase = 'off';
    counter.pauseWishes = [];
    this.emit(counter.sourceId, { type: 'counter.closed', counterId: counter.id });
  }

  private close(counter: Counter): void {
    counter.phase = 'closed';
    counter.pauseWishes = [];
    this.emit(counter.sourceId, { type: 'counter.closed', counterId: counter.id });
  }

  private longestWaiting(counter: Counter): Ticket | undefined {
    let best: Ticket | undefined;
    for (const code of counter.services) {
      const queue = this.queues.get(code);
      if (queue === undefined) continue;
      // Drop heads that left the queue (cancelled) since they were enqueued.
      while (queue[0] !== undefined && queue[0].state !== 'waiting') queue.shift();
      const head = queue[0];
      if (head !== undefined && (best === undefined || head.n < best.n)) best = head;
    }
    return best;
  }

  // --- End of day ---------------------------------------------------------

  /**
   * The kiosk has stopped issuing tickets. A small backlog is served in
   * overtime (bounded); a large one is sent home and counters close once
   * they finish the citizen in hand.
   */
  private onClosing(): void {
    for (const c of this.counters) c.pauseWishes = [];
    const active = this.counters.filter((c) => c.phase !== 'closed').length;
    let backlogMinutes = 0;
    for (const queue of this.queues.values()) {
      for (const t of queue) {
        if (t.state === 'waiting')
          backlogMinutes += t.citizen.service.typicalMinutes + OPERATIONS.overheadMinutes;
      }
    }
    if (backlogMinutes / Math.max(active, 1) > OPERATIONS.overtimeEstimateMinutes) {
      this.closeDepartment();
      return;
    }
    this.mode = 'overtime';
    this.agenda.push(this.now + OPERATIONS.overtimeLimitMinutes * MINUTE, { kind: 'overtime_limit' });
    for (const c of this.counters) {
      if (c.phase === 'off') c.phase = 'closed';
      else if (c.phase === 'idle' && this.longestWaiting(c) === undefined) this.close(c);
    }
  }

  private closeDepartment(): void {
    this.mode = 'closing';
    const waiting: Ticket[] = [];
    for (const queue of this.queues.values()) {
      for (const t of queue) if (t.state === 'waiting') waiting.push(t);
      queue.length = 0;
    }
    waiting.sort((a, b) => a.n - b.n);
    for (const t of waiting) this.cancel(t);
    for (const c of this.counters) {
      if (c.phase === 'off') c.phase = 'closed';
      else if (c.phase === 'idle' || c.phase === 'paused' || c.phase === 'unopened') this.close(c);
      else if (c.phase === 'busy') c.closeWhenFree = true;
    }
  }

  // --- Plumbing -----------------------------------------------------------

  private queueFor(code: string): Ticket[] {
    let queue = this.queues.get(code);
    if (queue === undefined) {
      queue = [];
      this.queues.set(code, queue);
    }
    return queue;
  }

  private emit(sourceId: string, body: EventBody): void {
    const seq = (this.seqs.get(sourceId) ?? 0) + 1;
    this.seqs.set(sourceId, seq);
    this.out.push({
      ...body,
      id: `sim-${this.seed}-${this.departmentId}-e${++this.eventCount}`,
      departmentId: this.departmentId,
      occurredAt: Math.round(this.stamp(this.now)),
      source: { id: sourceId, seq },
    });
  }
}

/** Catalogue services with a positive weight that some counter serves. */
function serviceMix(
  counters: readonly SimCounter[],
  weights: Record<string, number>,
): Weighted<ServiceEntry>[] {
  for (const [code, weight] of Object.entries(weights)) {
    if (!SERVICE_ENTRIES.some((s) => s.code === code)) throw new RangeError(`unknown service ${code}`);
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new RangeError(`bad weight ${weight} for ${code}`);
  }
  const served = new Set(counters.flatMap((c) => c.services));
  const mix = SERVICE_ENTRIES.filter((s) => served.has(s.code) && (weights[s.code] ?? 0) > 0).map((s) => ({
    value: s,
    weight: weights[s.code] ?? 0,
  }));
  if (mix.length === 0) throw new RangeError('no weighted service is served by any counter');
  return mix;
}
