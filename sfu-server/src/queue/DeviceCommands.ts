import { randomUUID } from 'node:crypto';
import {
  AppError,
  SERVICES,
  serviceInfo,
  type BoardState,
  type CounterAction,
  type CounterPanelState,
  type DeviceInfo,
  type QueueEvent,
  type Rating,
  type TicketReceipt,
  type Clock,
} from '@counterwatch/shared';
import { businessDayLabel } from './businessDay.js';
import { ticketStatus, type TicketRecord } from './DepartmentQueue.js';
import type { QueueService } from './QueueService.js';

/** A rating is for the citizen who just left: within this long of their service. */
const RATING_WINDOW_MS = 15 * 60_000;

/** Letter per service on printed tickets: A012 is the 12th ID-card ticket of the day. */
function serviceLetter(code: string): string {
  const index = SERVICES.findIndex((s) => s.code === code);
  return index >= 0 ? String.fromCharCode(65 + index) : 'Z';
}

/**
 * What the department's own devices do — take a ticket at the kiosk, call,
 * serve and finish at the counter panel, rate at the pad — turned into
 * ordinary queue events and ingested like any other. Commands of one
 * department run one at a time, so two counters never call the same ticket.
 */
export class DeviceCommands {
  readonly #queue: QueueService;
  readonly #now: Clock;
  readonly #lanes = new Map<string, Promise<unknown>>();

  constructor(queue: QueueService, now: Clock) {
    this.#queue = queue;
    this.#now = now;
  }

  info(
    department: { id: string; name: string },
    counters: { id: string; name: string; services: string[] }[],
  ): DeviceInfo {
    const offered = new Set(counters.flatMap((c) => c.services));
    return {
      department,
      counters,
      services: SERVICES.filter((s) => offered.has(s.code)).map((s) => ({ ...s })),
    };
  }

  takeTicket(departmentId: string, offered: string[], serviceCode: string): Promise<TicketReceipt> {
    return this.#serial(departmentId, async () => {
      if (!offered.includes(serviceCode) || !serviceInfo(serviceCode)) {
        throw new AppError('invalid_request', `service ${serviceCode} is not offered here`);
      }
      const queue = this.#queue.state(departmentId);
      const waitingAhead = queue
        ? [...queue.tickets.values()].filter(
            (t) => t.serviceCode === serviceCode && ticketStatus(t) === 'waiting',
          ).length
        : 0;
      const number = `${serviceLetter(serviceCode)}${String((queue?.issuedCount(serviceCode) ?? 0) + 1).padStart(3, '0')}`;
      const now = this.#now();
      const ticketId = `T-${businessDayLabel(now)}-${number}-${randomUUID().slice(0, 8)}`;
      await this.#emit(departmentId, 'kiosk-web', (source) => ({
        id: `dev-${randomUUID()}`,
        type: 'ticket.issued',
        departmentId,
        occurredAt: now,
        source,
        ticketId,
        ticketNumber: number,
        serviceCode,
      }));
      const service = this.#queue
        .refresh(departmentId)
        ?.department.services.find((s) => s.serviceCode === serviceCode);
      return {
        ticketId,
        ticketNumber: number,
        serviceCode,
        issuedAt: now,
        waitingAhead,
        expectedWait: service?.expectedWait ?? { kind: 'unknown' },
      };
    });
  }

  panel(departmentId: string, counter: { id: string; name: string; services: string[] }): CounterPanelState {
    const metrics = this.#queue.metrics(departmentId);
    const q = metrics?.counters.get(counter.id);
    const queue = this.#queue.state(departmentId);
    const waitingByService: Record<string, number> = {};
    for (const code of counter.services) waitingByService[code] = 0;
    let lastFinished: TicketRecord | undefined;
    for (const t of queue?.tickets.values() ?? []) {
      const status = ticketStatus(t);
      if (status === 'waiting' && t.serviceCode !== null && t.serviceCode in waitingByService) {
        waitingByService[t.serviceCode] = (waitingByService[t.serviceCode] ?? 0) + 1;
      }
      if (
        status === 'finished' &&
        t.counterId === counter.id &&
        (t.finishedAt ?? 0) > (lastFinished?.finishedAt ?? 0)
      ) {
        lastFinished = t;
      }
    }
    return {
      counter,
      state: q?.state ?? 'closed',
      servingTicket: q?.servingTicket ?? null,
      queueLength: q?.queueLength ?? 0,
      waitingByService,
      lastFinished:
        lastFinished && lastFinished.finishedAt !== null
          ? {
              ticketId: lastFinished.id,
              number: lastFinished.number ?? '',
              finishedAt: lastFinished.finishedAt,
              rated: lastFinished.rating !== null,
            }
          : null,
      serverTime: this.#now(),
    };
  }

  act(
    departmentId: string,
    counter: { id: string; name: string; services: string[] },
    action: CounterAction,
  ): Promise<CounterPanelState> {
    return this.#serial(departmentId, async () => {
      const queue = this.#queue.state(departmentId);
      const q = this.#queue.refresh(departmentId)?.counters.get(counter.id);
      const active = queue && q?.servingTicket ? queue.tickets.get(q.servingTicket.ticketId) : undefined;
      const activeStatus = active ? ticketStatus(active) : undefined;
      const now = this.#now();
      const source = `panel:${counter.id}`;
      const base = (s: { id: string; seq: number }) => ({
        id: `dev-${randomUUID()}`,
        departmentId,
        occurredAt: now,
        source: s,
      });
      const need = (status: 'called' | 'serving', what: string): TicketRecord => {
        if (!active || activeStatus !== status) throw new AppError('conflict', what);
        return active;
      };
      let event: (s: { id: string; seq: number }) => QueueEvent;
      switch (action.action) {
        case 'open':
          event = (s) => ({ ...base(s), type: 'counter.opened', counterId: counter.id });
          break;
        case 'pause':
          if (active) throw new AppError('conflict', 'finish the current citizen before pausing');
          event = (s) => ({
            ...base(s),
            type: 'counter.paused',
            counterId: counter.id,
            reason: action.reason,
          });
          break;
        case 'close':
          if (active) throw new AppError('conflict', 'finish the current citizen before closing');
          event = (s) => ({ ...base(s), type: 'counter.closed', counterId: counter.id });
          break;
        case 'call-next': {
          if (active)
            throw new AppError('conflict', `ticket ${active.number ?? ''} is still at this counter`);
          if (q && (q.state === 'paused' || q.state === 'closed') && queue?.counterStatus(counter.id)) {
            throw new AppError('conflict', 'open the counter first');
          }
          const next = [...(queue?.tickets.values() ?? [])]
            .filter(
              (t) =>
                ticketStatus(t) === 'waiting' &&
                t.serviceCode !== null &&
                counter.services.includes(t.serviceCode),
            )
            .sort((a, b) => (a.issuedAt ?? 0) - (b.issuedAt ?? 0))[0];
          if (!next) throw new AppError('conflict', 'no ticket waiting for this counter');
          event = (s) => ({ ...base(s), type: 'ticket.called', ticketId: next.id, counterId: counter.id });
          break;
        }
        case 'recall': {
          const t = need('called', 'no called ticket to recall');
          event = (s) => ({ ...base(s), type: 'ticket.recalled', ticketId: t.id, counterId: counter.id });
          break;
        }
        case 'start': {
          const t = need('called', 'call a ticket before starting');
          event = (s) => ({ ...base(s), type: 'service.started', ticketId: t.id, counterId: counter.id });
          break;
        }
        case 'finish': {
          const t = need('serving', 'no service in progress');
          event = (s) => ({
            ...base(s),
            type: 'service.finished',
            ticketId: t.id,
            counterId: counter.id,
            outcome: action.outcome,
          });
          break;
        }
        case 'no-show': {
          const t = need('called', 'only a called ticket can be marked absent');
          event = (s) => ({ ...base(s), type: 'ticket.no_show', ticketId: t.id, counterId: counter.id });
          break;
        }
        default: {
          const unreachable: never = action;
          throw new AppError('invalid_request', `unknown action ${JSON.stringify(unreachable)}`);
        }
      }
      await this.#emit(departmentId, source, event);
      this.#queue.refresh(departmentId);
      return this.panel(departmentId, counter);
    });
  }

  rate(
    departmentId: string,
    counter: { id: string; name: string; services: string[] },
    rating: Rating,
    comment?: string,
  ): Promise<{ ticketNumber: string; rating: Rating }> {
    return this.#serial(departmentId, async () => {
      const last = this.panel(departmentId, counter).lastFinished;
      const now = this.#now();
      if (!last || last.rated || now - last.finishedAt > RATING_WINDOW_MS) {
        throw new AppError('conflict', 'nothing to rate at this counter');
      }
      await this.#emit(departmentId, `rating:${counter.id}`, (s) => ({
        id: `dev-${randomUUID()}`,
        type: 'rating.submitted',
        departmentId,
        occurredAt: now,
        source: s,
        ticketId: last.ticketId,
        counterId: counter.id,
        rating,
        ...(comment ? { comment } : {}),
      }));
      return { ticketNumber: last.number, rating };
    });
  }

  board(department: { id: string; name: string }, counters: { id: string; name: string }[]): BoardState {
    const metrics = this.#queue.metrics(department.id);
    const queue = this.#queue.state(department.id);
    const calls = [...(queue?.tickets.values() ?? [])]
      .filter((t) => t.lastCalledAt !== null && t.counterId !== null && t.number !== null)
      .sort((a, b) => (b.lastCalledAt ?? 0) - (a.lastCalledAt ?? 0))
      .slice(0, 8);
    const names = new Map(counters.map((c) => [c.id, c.name]));
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
        ticketNumber: t.number ?? '',
        counterId: t.counterId ?? '',
        counterName: names.get(t.counterId ?? '') ?? '',
        at: t.lastCalledAt ?? 0,
      })),
      waiting: metrics?.department.queueLength ?? 0,
      serverTime: this.#now(),
    };
  }

  async #emit(
    departmentId: string,
    sourceId: string,
    build: (source: { id: string; seq: number }) => QueueEvent,
  ): Promise<void> {
    const seq = await this.#queue.nextSourceSeq(departmentId, sourceId);
    const result = await this.#queue.ingest({ kind: 'department', departmentId }, [
      build({ id: sourceId, seq }),
    ]);
    const first = result.results[0];
    if (first?.status !== 'accepted') throw new AppError('conflict', first?.reason ?? 'event not accepted');
  }

  #serial<T>(departmentId: string, run: () => Promise<T>): Promise<T> {
    const previous = this.#lanes.get(departmentId) ?? Promise.resolve();
    const next = previous.then(run, run);
    this.#lanes.set(
      departmentId,
      next.catch(() => undefined),
    );
    return next;
  }
}
