import { randomUUID } from 'node:crypto';
import {
  AppError,
  SERVICES,
  deviceSourceId,
  serviceInfo,
  type BoardState,
  type CounterAction,
  type CounterPanelState,
  type DeviceInfo,
  type DeviceSelf,
  type QueueEvent,
  type Rating,
  type RatingPadState,
  type TicketReceipt,
  type Clock,
} from '@counterwatch/shared';
import { businessDayLabel } from './businessDay.js';
import { ticketStatus, type DepartmentQueue, type TicketRecord } from './DepartmentQueue.js';
import type { QueueService } from './QueueService.js';

/** A rating is for the citizen who just left: within this long of their service. */
const RATING_WINDOW_MS = 15 * 60_000;
/** A comment follows its rating within this long. */
const COMMENT_WINDOW_MS = 15 * 60_000;
/** Calls the hall board lists. */
const BOARD_CALLS = 8;

/** Letter per service on printed tickets: A012 is the 12th ID-card ticket of the day. */
export function serviceLetter(code: string): string {
  const index = SERVICES.findIndex((s) => s.code === code);
  return index >= 0 ? String.fromCharCode(65 + index) : 'Z';
}

/** The next number for a prefix: after the highest any source used today, never reused within the day. */
export function nextTicketNumber(queue: DepartmentQueue, prefix: string): string {
  return `${prefix}${String(queue.highestNumber(prefix) + 1).padStart(3, '0')}`;
}

type CounterBrief = { id: string; name: string; services: string[] };
type EventBody = QueueEvent extends infer E
  ? E extends QueueEvent
    ? Omit<E, 'id' | 'departmentId' | 'occurredAt' | 'source'>
    : never
  : never;

/**
 * What the department's own devices do — take a ticket at the kiosk, call,
 * serve and finish at the counter panel, rate at the pad — turned into
 * ordinary queue events from the device (`device:<id>`, its own sequence)
 * and ingested like any other. Each decision is made from the state in the
 * same turn its event is ingested, so two counters never call the same
 * ticket and two kiosks never print the same number.
 */
export class DeviceCommands {
  readonly #queue: QueueService;
  readonly #now: Clock;

  constructor(queue: QueueService, now: Clock) {
    this.#queue = queue;
    this.#now = now;
  }

  info(device: DeviceSelf, department: { id: string; name: string }, counters: CounterBrief[]): DeviceInfo {
    // A panel or pad deals with its own counter only; a kiosk offers the department's services.
    const mine = device.counterId === null ? counters : counters.filter((c) => c.id === device.counterId);
    const offered = new Set(counters.flatMap((c) => c.services));
    return {
      device,
      department,
      counters: mine,
      services: SERVICES.filter((s) => offered.has(s.code)).map((s) => ({ ...s })),
    };
  }

  async takeTicket(device: DeviceSelf, offered: string[], serviceCode: string): Promise<TicketReceipt> {
    if (!offered.includes(serviceCode) || !serviceInfo(serviceCode)) {
      throw new AppError('invalid_request', `service ${serviceCode} is not offered here`);
    }
    let waitingAhead = 0;
    const event = await this.#emit(device, (queue) => {
      waitingAhead = [...queue.tickets.values()].filter(
        (t) => t.serviceCode === serviceCode && ticketStatus(t) === 'waiting',
      ).length;
      const number = nextTicketNumber(queue, serviceLetter(serviceCode));
      return {
        type: 'ticket.issued',
        ticketId: `T-${businessDayLabel(this.#now())}-${number}-${randomUUID().slice(0, 8)}`,
        ticketNumber: number,
        serviceCode,
      };
    });
    if (event.type !== 'ticket.issued') throw new Error('a kiosk issued something else');
    const service = this.#queue
      .refresh(device.departmentId)
      ?.department.services.find((s) => s.serviceCode === serviceCode);
    return {
      ticketId: event.ticketId,
      ticketNumber: event.ticketNumber,
      serviceCode,
      issuedAt: event.occurredAt,
      waitingAhead,
      expectedWait: service?.expectedWait ?? { kind: 'unknown' },
    };
  }

  panel(departmentId: string, counter: CounterBrief): CounterPanelState {
    const metrics = this.#queue.metrics(departmentId);
    const q = metrics?.counters.get(counter.id);
    const queue = this.#queue.state(departmentId);
    const waitingByService: Record<string, number> = {};
    for (const code of counter.services) waitingByService[code] = 0;
    for (const t of queue?.tickets.values() ?? []) {
      if (ticketStatus(t) === 'waiting' && t.serviceCode !== null && t.serviceCode in waitingByService) {
        waitingByService[t.serviceCode] = (waitingByService[t.serviceCode] ?? 0) + 1;
      }
    }
    const last = queue && lastFinishedAt(queue, counter.id);
    return {
      counter,
      state: q?.state ?? 'closed',
      servingTicket: q?.servingTicket ?? null,
      queueLength: q?.queueLength ?? 0,
      waitingByService,
      lastFinished:
        last && last.finishedAt !== null
          ? {
              ticketId: last.id,
              number: last.number ?? '',
              finishedAt: last.finishedAt,
              rated: last.rating !== null,
            }
          : null,
      serverTime: this.#now(),
    };
  }

  async act(device: DeviceSelf, counter: CounterBrief, action: CounterAction): Promise<CounterPanelState> {
    const departmentId = device.departmentId;
    await this.#emit(device, (queue) => {
      const q = this.#queue.refresh(departmentId)?.counters.get(counter.id);
      const active = q?.servingTicket ? queue.tickets.get(q.servingTicket.ticketId) : undefined;
      const activeStatus = active ? ticketStatus(active) : undefined;
      const need = (status: 'called' | 'serving', what: string): TicketRecord => {
        if (!active || activeStatus !== status) throw new AppError('conflict', what);
        return active;
      };
      switch (action.action) {
        case 'open':
          return { type: 'counter.opened', counterId: counter.id };
        case 'pause':
          if (active) throw new AppError('conflict', 'finish the current citizen before pausing');
          return { type: 'counter.paused', counterId: counter.id, reason: action.reason };
        case 'close':
          if (active) throw new AppError('conflict', 'finish the current citizen before closing');
          return { type: 'counter.closed', counterId: counter.id };
        case 'call-next': {
          if (active)
            throw new AppError('conflict', `ticket ${active.number ?? ''} is still at this counter`);
          if (q && (q.state === 'paused' || q.state === 'closed') && queue.counterStatus(counter.id)) {
            throw new AppError('conflict', 'open the counter first');
          }
          const next = [...queue.tickets.values()]
            .filter(
              (t) =>
                ticketStatus(t) === 'waiting' &&
                t.serviceCode !== null &&
                counter.services.includes(t.serviceCode),
            )
            .sort((a, b) => (a.issuedAt ?? 0) - (b.issuedAt ?? 0))[0];
          if (!next) throw new AppError('conflict', 'no ticket waiting for this counter');
          return { type: 'ticket.called', ticketId: next.id, counterId: counter.id };
        }
        case 'recall':
          return {
            type: 'ticket.recalled',
            ticketId: need('called', 'no called ticket to recall').id,
            counterId: counter.id,
          };
        case 'start':
          return {
            type: 'service.started',
            ticketId: need('called', 'call a ticket before starting').id,
            counterId: counter.id,
          };
        case 'finish':
          return {
            type: 'service.finished',
            ticketId: need('serving', 'no service in progress').id,
            counterId: counter.id,
            outcome: action.outcome,
          };
        case 'no-show':
          return {
            type: 'ticket.no_show',
            ticketId: need('called', 'only a called ticket can be marked absent').id,
            counterId: counter.id,
          };
        default: {
          const unreachable: never = action;
          throw new AppError('invalid_request', `unknown action ${JSON.stringify(unreachable)}`);
        }
      }
    });
    this.#queue.refresh(departmentId);
    return this.panel(departmentId, counter);
  }

  /** What the rating pad shows: the citizen who just left, if they have not rated yet. */
  ratingPad(departmentId: string, counter: { id: string; name: string }): RatingPadState {
    const queue = this.#queue.state(departmentId);
    const now = this.#now();
    const pending = queue && pendingRating(queue, counter.id, now);
    return {
      counter: { id: counter.id, name: counter.name },
      pending:
        pending && pending.finishedAt !== null
          ? { ticketId: pending.id, number: pending.number ?? '', finishedAt: pending.finishedAt }
          : null,
      serverTime: now,
    };
  }

  /** Recorded at the tap: the citizen may walk away without a comment. */
  async rate(
    device: DeviceSelf,
    counter: { id: string },
    ticketId: string,
    rating: Rating,
  ): Promise<{ ticketId: string; ticketNumber: string; rating: Rating }> {
    let number = '';
    await this.#emit(device, (queue) => {
      const pending = pendingRating(queue, counter.id, this.#now());
      if (!pending || pending.id !== ticketId)
        throw new AppError('conflict', 'nothing to rate at this counter');
      number = pending.number ?? '';
      return { type: 'rating.submitted', ticketId, counterId: counter.id, rating };
    });
    return { ticketId, ticketNumber: number, rating };
  }

  /** The optional comment, after the rating it belongs to; one per ticket. */
  async comment(
    device: DeviceSelf,
    counter: { id: string },
    ticketId: string,
    comment: string,
  ): Promise<{ ticketId: string; ticketNumber: string }> {
    let number = '';
    await this.#emit(device, (queue) => {
      const t = queue.tickets.get(ticketId);
      if (!t || t.counterId !== counter.id || t.rating === null || t.ratedAt === null) {
        throw new AppError('conflict', 'no rating of this ticket at this counter to comment on');
      }
      if (t.ratingComment !== null) throw new AppError('conflict', 'this rating already has a comment');
      if (this.#now() - t.ratedAt > COMMENT_WINDOW_MS) {
        throw new AppError('conflict', 'too late to comment on this rating');
      }
      number = t.number ?? '';
      return { type: 'rating.commented', ticketId, counterId: counter.id, comment };
    });
    return { ticketId, ticketNumber: number };
  }

  board(department: { id: string; name: string }, counters: { id: string; name: string }[]): BoardState {
    const metrics = this.#queue.metrics(department.id);
    const queue = this.#queue.state(department.id);
    const names = new Map(counters.map((c) => [c.id, c.name]));
    const calls = [...(queue?.tickets.values() ?? [])]
      .filter((t) => t.lastCalledAt !== null && t.counterId !== null && t.number !== null)
      .sort((a, b) => (b.lastCalledAt ?? 0) - (a.lastCalledAt ?? 0))
      .slice(0, BOARD_CALLS);
    return {
      department,
      counters: counters.map((c) => {
        const q = metrics?.counters.get(c.id);
        return {
          id: c.id,
          name: c.name,
          state: q?.state ?? 'closed',
          ticketNumber: q?.servingTicket?.number ?? null,
        };
      }),
      recentCalls: calls.map((t) => ({
        ticketId: t.id,
        ticketNumber: t.number ?? '',
        counterId: t.counterId ?? '',
        counterName: names.get(t.counterId ?? '') ?? '',
        at: t.lastCalledAt ?? 0,
      })),
      waiting: metrics?.department.queueLength ?? 0,
      serverTime: this.#now(),
    };
  }

  /** A ticket called today, for the hall's voice call; undefined if it was never called. */
  call(departmentId: string, ticketId: string): { ticketNumber: string; counterId: string } | undefined {
    const t = this.#queue.state(departmentId)?.tickets.get(ticketId);
    if (!t || t.lastCalledAt === null || t.counterId === null || t.number === null) return undefined;
    return { ticketNumber: t.number, counterId: t.counterId };
  }

  /** Builds the device's event from today's state and ingests it in the same turn; refused → 409. */
  async #emit(device: DeviceSelf, build: (queue: DepartmentQueue) => EventBody): Promise<QueueEvent> {
    const sourceId = deviceSourceId(device.id);
    const { event, result } = await this.#queue.ingestBuilt(
      { kind: 'department', departmentId: device.departmentId },
      async (queue) => {
        const body = build(queue);
        const seq = await this.#queue.nextSourceSeq(device.departmentId, sourceId);
        return {
          ...body,
          id: `dev-${randomUUID()}`,
          departmentId: device.departmentId,
          occurredAt: this.#now(),
          source: { id: sourceId, seq },
        };
      },
    );
    if (result.status !== 'accepted') throw new AppError('conflict', result.reason ?? 'event not accepted');
    return event;
  }
}

/** The last citizen who finished at this counter today. */
function lastFinishedAt(queue: DepartmentQueue, counterId: string): TicketRecord | undefined {
  let last: TicketRecord | undefined;
  for (const t of queue.tickets.values()) {
    if (
      ticketStatus(t) === 'finished' &&
      t.counterId === counterId &&
      (t.finishedAt ?? 0) > (last?.finishedAt ?? 0)
    )
      last = t;
  }
  return last;
}

/** The citizen the pad asks: the last one served here, unrated, within the rating window. */
function pendingRating(queue: DepartmentQueue, counterId: string, now: number): TicketRecord | undefined {
  const last = lastFinishedAt(queue, counterId);
  if (!last || last.rating !== null || last.finishedAt === null) return undefined;
  return now - last.finishedAt <= RATING_WINDOW_MS ? last : undefined;
}
