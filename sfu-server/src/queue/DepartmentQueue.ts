import type { PauseReason, QueueEvent, Rating, ServiceOutcome } from '@counterwatch/shared';

/**
 * The queue state of one department for one business day, folded from its
 * queue events. Every update is commutative per ticket and per counter
 * (first/last times, per-source sequence numbers), so the same set of events
 * gives the same state whatever order they arrived in.
 */
export interface TicketRecord {
  id: string;
  number: string | null;
  serviceCode: string | null;
  issuedAt: number | null;
  /** First call. */
  calledAt: number | null;
  lastCalledAt: number | null;
  counterId: string | null;
  recalls: number;
  startedAt: number | null;
  finishedAt: number | null;
  outcome: ServiceOutcome | null;
  noShowAt: number | null;
  cancelledAt: number | null;
  rating: Rating | null;
  ratedAt: number | null;
  ratingComment: string | null;
}

export type TicketStatus = 'waiting' | 'called' | 'serving' | 'finished' | 'no_show' | 'cancelled' | 'orphan';

/** Still to be dealt with: waiting, called to a counter, or being served. */
export function isOpen(status: TicketStatus): boolean {
  return status === 'waiting' || status === 'called' || status === 'serving';
}

export function ticketStatus(t: TicketRecord): TicketStatus {
  if (t.finishedAt !== null) return 'finished';
  if (t.noShowAt !== null) return 'no_show';
  if (t.cancelledAt !== null) return 'cancelled';
  if (t.startedAt !== null) return 'serving';
  if (t.calledAt !== null) return 'called';
  if (t.issuedAt !== null) return 'waiting';
  // Events for a ticket whose issue has not arrived yet (another source, delayed).
  return 'orphan';
}

type CounterStatusEventType = 'counter.opened' | 'counter.paused' | 'counter.closed';

interface CounterStatusEvent {
  type: CounterStatusEventType;
  seq: number;
  at: number;
  reason: PauseReason | null;
}

export interface CounterStatusRecord {
  /** The latest status event of each source, by that source's sequence numbers. */
  bySource: Map<string, CounterStatusEvent>;
}

const minOf = (a: number | null, b: number): number => (a === null ? b : Math.min(a, b));
const maxOf = (a: number | null, b: number): number => (a === null ? b : Math.max(a, b));

export class DepartmentQueue {
  readonly departmentId: string;
  /** Start of the business day this state covers. */
  readonly dayStart: number;
  readonly tickets = new Map<string, TicketRecord>();
  readonly counters = new Map<string, CounterStatusRecord>();
  /**
   * Tickets still open when the previous business day ended at 04:00. They
   * closed with that day (its summary counts them as left open) and are not
   * in today's queue — unless something happens to one of them today (called,
   * served, finished, rated, cancelled): then it comes back into `tickets`,
   * with everything it had, and is listed in `resumed`. Nothing is lost, and
   * a queue nobody closed last night does not stand all day as "waiting".
   */
  readonly leftOpen = new Map<string, TicketRecord>();
  readonly resumed = new Set<string>();
  /** The highest number seen today per prefix (A019 → A: 19), whoever issued it: the kiosk numbers after it. */
  readonly #highestByPrefix = new Map<string, number>();

  constructor(departmentId: string, dayStart: number) {
    this.departmentId = departmentId;
    this.dayStart = dayStart;
  }

  /**
   * The next business day, starting at `dayStart`: no tickets, every counter
   * closed until it says or does otherwise, and the open tickets of this day
   * set aside as left open (copies: this day's records stay as they were).
   */
  nextDay(dayStart: number): DepartmentQueue {
    const next = new DepartmentQueue(this.departmentId, dayStart);
    for (const t of this.tickets.values()) {
      if (isOpen(ticketStatus(t))) next.leftOpen.set(t.id, { ...t });
    }
    return next;
  }

  /**
   * An event of the previous business day that arrived after it ended
   * (already folded into that day, whose record of the ticket is `previous`).
   * A ticket already back today gets it folded in too; otherwise the ticket
   * is left open if the old day now says it was open at the turn (even one
   * whose issue arrives only now), and no longer if the event closed it.
   */
  applyLate(event: QueueEvent, at: number, previous: TicketRecord | undefined): void {
    if (!('ticketId' in event)) return;
    const id = event.ticketId;
    if (this.tickets.has(id)) {
      this.apply(event, at);
      return;
    }
    if (previous && isOpen(ticketStatus(previous))) this.leftOpen.set(id, { ...previous });
    else this.leftOpen.delete(id);
  }

  /** Applies one event at its corrected time `at`. */
  apply(event: QueueEvent, at: number): void {
    switch (event.type) {
      case 'counter.opened':
      case 'counter.paused':
      case 'counter.closed': {
        const record = this.#counter(event.counterId);
        const sourceKey = event.source.id;
        const current = record.bySource.get(sourceKey);
        if (!current || event.source.seq > current.seq) {
          record.bySource.set(sourceKey, {
            type: event.type,
            seq: event.source.seq,
            at,
            reason: event.type === 'counter.paused' ? event.reason : null,
          });
        }
        return;
      }
      case 'ticket.issued': {
        const t = this.#ticket(event.ticketId);
        const parts = splitTicketNumber(event.ticketNumber);
        if (parts) {
          this.#highestByPrefix.set(
            parts.prefix,
            Math.max(this.#highestByPrefix.get(parts.prefix) ?? 0, parts.value),
          );
        }
        t.number = event.ticketNumber;
        t.serviceCode = event.serviceCode;
        t.issuedAt = minOf(t.issuedAt, at);
        return;
      }
      case 'ticket.called': {
        const t = this.#ticket(event.ticketId);
        t.calledAt = minOf(t.calledAt, at);
        t.lastCalledAt = maxOf(t.lastCalledAt, at);
        t.counterId = event.counterId;
        return;
      }
      case 'ticket.recalled': {
        const t = this.#ticket(event.ticketId);
        t.recalls += 1;
        t.lastCalledAt = maxOf(t.lastCalledAt, at);
        t.calledAt = minOf(t.calledAt, at);
        t.counterId = event.counterId;
        return;
      }
      case 'service.started': {
        const t = this.#ticket(event.ticketId);
        t.startedAt = minOf(t.startedAt, at);
        t.counterId = event.counterId;
        return;
      }
      case 'service.finished': {
        const t = this.#ticket(event.ticketId);
        t.finishedAt = maxOf(t.finishedAt, at);
        t.outcome = event.outcome;
        t.counterId = event.counterId;
        return;
      }
      case 'ticket.no_show': {
        const t = this.#ticket(event.ticketId);
        t.noShowAt = maxOf(t.noShowAt, at);
        if (event.counterId) t.counterId = event.counterId;
        return;
      }
      case 'ticket.cancelled': {
        const t = this.#ticket(event.ticketId);
        t.cancelledAt = maxOf(t.cancelledAt, at);
        return;
      }
      case 'rating.submitted': {
        const t = this.#ticket(event.ticketId);
        t.rating = event.rating;
        t.ratedAt = maxOf(t.ratedAt, at);
        // A comment may also come on its own (rating.commented), before or after: never erase it.
        t.ratingComment = event.comment ?? t.ratingComment;
        t.counterId ??= event.counterId;
        return;
      }
      case 'rating.commented': {
        const t = this.#ticket(event.ticketId);
        t.ratingComment = event.comment;
        t.counterId ??= event.counterId;
        return;
      }
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled queue event ${JSON.stringify(unreachable)}`);
      }
    }
  }

  /** The counter's status: the newest status event across sources (each source's own order wins within it). */
  counterStatus(counterId: string): CounterStatusEvent | undefined {
    const record = this.counters.get(counterId);
    if (!record) return undefined;
    let best: CounterStatusEvent | undefined;
    for (const e of record.bySource.values()) {
      if (!best || e.at > best.at || (e.at === best.at && e.seq > best.seq)) best = e;
    }
    return best;
  }

  /** The highest number issued today with this prefix, by any source (0 if none). */
  highestNumber(prefix: string): number {
    return this.#highestByPrefix.get(prefix.toUpperCase()) ?? 0;
  }

  #ticket(id: string): TicketRecord {
    let t = this.tickets.get(id);
    const leftOpen = t ? undefined : this.leftOpen.get(id);
    if (leftOpen) {
      // Something happened today to a ticket left open last night: it is back.
      this.leftOpen.delete(id);
      this.resumed.add(id);
      this.tickets.set(id, leftOpen);
      return leftOpen;
    }
    if (!t) {
      t = {
        id,
        number: null,
        serviceCode: null,
        issuedAt: null,
        calledAt: null,
        lastCalledAt: null,
        counterId: null,
        recalls: 0,
        startedAt: null,
        finishedAt: null,
        outcome: null,
        noShowAt: null,
        cancelledAt: null,
        rating: null,
        ratedAt: null,
        ratingComment: null,
      };
      this.tickets.set(id, t);
    }
    return t;
  }

  #counter(id: string): CounterStatusRecord {
    let c = this.counters.get(id);
    if (!c) {
      c = { bySource: new Map() };
      this.counters.set(id, c);
    }
    return c;
  }
}

/** `A019` → { prefix: 'A', value: 19 }; `HS-12` → { prefix: 'HS-', value: 12 }; undefined without a trailing number. */
export function splitTicketNumber(ticketNumber: string): { prefix: string; value: number } | undefined {
  const m = /^(.*?)(\d+)$/.exec(ticketNumber);
  if (!m?.[2] || m[2].length > 9) return undefined;
  return { prefix: (m[1] ?? '').toUpperCase(), value: Number(m[2]) };
}
