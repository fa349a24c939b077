import { type OfficerRef, type QueueEvent, type Clock } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { TicketRecord } from '../queue/DepartmentQueue.js';
import { businessDayStart } from '../queue/businessDay.js';
import type { InteractionRecord, ReviewStore } from '../storage/Storage.js';
import { interactionFrom, RECORDED, type NewFlag, type NewInteraction } from './interactionRecords.js';

/** How long before the business day a service recorded today may have started. */
const RECONCILE_MARGIN_MS = 12 * 3_600_000;

export interface InteractionRecorderOptions {
  store: Pick<
    ReviewStore,
    'upsertInteraction' | 'upsertInteractions' | 'findInteraction' | 'listInteractions'
  >;
  /** Today's ticket record, for the times the interaction keeps. */
  ticket: (departmentId: string, ticketId: string) => TicketRecord | undefined;
  /** The usual service time of a service here, in seconds (today's mean, else the typical one). */
  usualServiceSeconds: (departmentId: string, serviceCode: string) => number;
  /** An alert about this ticket (long service), if one is open. */
  alertAbout: (departmentId: string, ticketId: string) => { id: number; rule: string } | undefined;
  /** The officer signed in at the counter at that time (the panel's sign-in). */
  officerAt: (counterId: string, at: number) => Promise<OfficerRef | null>;
  /** `officerAt` for several at once, in their order. */
  officersAt: (queries: readonly { counterId: string; at: number }[]) => Promise<(OfficerRef | null)[]>;
  logger: Logger;
  now: Clock;
  /** The departments, and each one's events stored since a time: what `reconcile` compares. */
  departments?: () => string[];
  eventsSince?: (departmentId: string, since: number) => Promise<QueueEvent[]>;
}

/** What the recorder asks of the review service it records for. */
export interface InteractionRecorderHost {
  /** Adds flags in one transaction; each new one is logged and told. */
  flagAll(flags: readonly NewFlag[]): Promise<void>;
}

/**
 * Served tickets into interactions, from the queue's events: a finished
 * service makes one (flagged by rule when far longer than usual or an alert
 * is about it), a rating completes it (flagged when unsatisfied).
 */
export class InteractionRecorder {
  readonly #o: InteractionRecorderOptions;
  readonly #host: InteractionRecorderHost;
  readonly #logger: Logger;
  readonly #now: Clock;
  /** Events waiting for the end of the turn, and that turn's recording. */
  #pending: QueueEvent[] = [];
  #flush: Promise<void> | undefined;
  #recorded: Promise<void> = Promise.resolve();

  constructor(options: InteractionRecorderOptions, host: InteractionRecorderHost) {
    this.#o = options;
    this.#host = host;
    this.#logger = options.logger;
    this.#now = options.now;
  }

  /**
   * Newly accepted queue events: a finished service makes an interaction; a
   * rating completes it. The events of one turn (a batch folded) are recorded
   * together, after it: one query for the officers and one statement (one
   * commit) for the interactions, rather than a commit per served ticket.
   */
  onEvent(event: QueueEvent): Promise<void> {
    if (!RECORDED.has(event.type)) return Promise.resolve();
    this.#pending.push(event);
    this.#flush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const events = this.#pending;
      this.#pending = [];
      this.#flush = undefined;
      // One turn's events after the last's: a rating never lands before its service.
      const run = this.#recorded.then(() => this.#recordAll(events));
      this.#recorded = run;
      return run;
    });
    return this.#flush;
  }

  /**
   * After a start: today's served tickets and ratings that the event log holds and the interactions
   * do not (accepted just before the process died, their recording died with it) are recorded now,
   * with their flags. Recording is idempotent, so another process doing the same changes nothing.
   */
  async reconcile(): Promise<number> {
    const { departments, eventsSince } = this.#o;
    if (!departments || !eventsSince) return 0;
    const since = businessDayStart(this.#now());
    let recorded = 0;
    for (const departmentId of departments()) {
      try {
        const events = (await eventsSince(departmentId, since)).filter((e) => RECORDED.has(e.type));
        if (events.length === 0) continue;
        // A service finished today may have started before the day did.
        const known = new Map(
          (
            await this.#o.store.listInteractions({
              departmentIds: null,
              departmentId,
              from: since - RECONCILE_MARGIN_MS,
              limit: 100_000,
            })
          ).map((r) => [r.ticketId, r]),
        );
        const missing = events.filter((e) => {
          if (!('ticketId' in e)) return false;
          const r = known.get(e.ticketId);
          if (!r) return true;
          if (e.type === 'rating.submitted') return r.rating === null;
          if (e.type === 'rating.commented') return r.ratingComment === null;
          return false;
        });
        if (missing.length === 0) continue;
        this.#logger.warn({ departmentId, events: missing.length }, 'interactions missing; recorded now');
        const run = this.#recorded.then(() => this.#recordAll(missing));
        this.#recorded = run;
        await run;
        recorded += missing.length;
      } catch (error) {
        this.#logger.error({ err: error, departmentId }, 'interactions not reconciled');
      }
    }
    return recorded;
  }

  /** Once every event handed in so far is recorded (shutdown waits for it before the store closes). */
  async settled(): Promise<void> {
    while (this.#flush) await this.#flush;
    await this.#recorded;
  }

  async #recordAll(events: readonly QueueEvent[]): Promise<void> {
    try {
      await this.#recordTogether(events);
    } catch (error) {
      this.#logger.warn(
        { err: error, events: events.length },
        'interactions not recorded together; one by one',
      );
      for (const event of events) await this.#recordOne(event);
    }
  }

  /**
   * The tickets' records from today's state (which holds every event folded so
   * far), a rating's fields laid over them as its own upsert would have; then,
   * event by event, the flags.
   */
  async #recordTogether(events: readonly QueueEvent[]): Promise<void> {
    const records = new Map<string, NewInteraction>();
    const key = (departmentId: string, ticketId: string): string => JSON.stringify([departmentId, ticketId]);
    for (const event of events) {
      if (!('ticketId' in event)) continue;
      const t = this.#o.ticket(event.departmentId, event.ticketId);
      const k = key(event.departmentId, event.ticketId);
      const record = records.get(k) ?? (t && interactionFrom(event.departmentId, t, t.finishedAt));
      if (!t || !record) continue;
      if (event.type === 'rating.submitted') {
        record.rating = event.rating;
        // What the store does with a missing value: keeps the one it has.
        record.ratingComment = event.comment ?? record.ratingComment;
        record.ratedAt = t.ratedAt ?? event.occurredAt;
      }
      if (event.type === 'rating.commented') record.ratingComment = event.comment;
      records.set(k, record);
    }
    const list = [...records.values()];
    const officers = await this.#o.officersAt(list.map((r) => ({ counterId: r.counterId, at: r.startedAt })));
    const stored = await this.#o.store.upsertInteractions(
      list.map((r, i) => ({ ...r, officer: officers[i] ?? null })),
    );
    const byTicket = new Map(stored.map((r) => [key(r.departmentId, r.ticketId), r]));
    const flags: NewFlag[] = [];
    for (const event of events) {
      if (!('ticketId' in event)) continue;
      const interaction = byTicket.get(key(event.departmentId, event.ticketId));
      if (event.type === 'service.finished' && interaction) flags.push(...this.#finishedFlags(interaction));
      if (event.type === 'rating.submitted' && event.rating === 'unsatisfied') {
        // A rating of a ticket no longer in memory: the stored interaction, if any, is flagged.
        const target =
          interaction ?? (await this.#o.store.findInteraction(event.departmentId, event.ticketId));
        if (target)
          flags.push({ record: target, reason: 'unsatisfied_rating', note: event.comment ?? null, by: null });
      }
    }
    // One transaction for the turn's flags.
    await this.#host.flagAll(flags);
  }

  async #recordOne(event: QueueEvent): Promise<void> {
    try {
      if (event.type === 'service.finished') await this.#onFinished(event.departmentId, event.ticketId);
      if (event.type === 'rating.submitted') await this.#onRating(event);
      if (event.type === 'rating.commented') await this.#onComment(event);
    } catch (error) {
      this.#logger.error({ err: error, eventId: event.id }, 'interaction not recorded');
    }
  }

  async #onFinished(departmentId: string, ticketId: string): Promise<void> {
    const t = this.#o.ticket(departmentId, ticketId);
    const record = t && interactionFrom(departmentId, t, t.finishedAt);
    if (!t || !record) return;
    await this.#flagFinished(await this.upsert(record));
  }

  /** A service far longer than usual, or one an alert is about, is flagged. */
  async #flagFinished(stored: InteractionRecord): Promise<void> {
    await this.#host.flagAll(this.#finishedFlags(stored));
  }

  #finishedFlags(stored: InteractionRecord): NewFlag[] {
    const flags: NewFlag[] = [];
    const { departmentId, ticketId } = stored;
    const usual = this.#o.usualServiceSeconds(departmentId, stored.serviceCode);
    const seconds = (stored.finishedAt - stored.startedAt) / 1000;
    if (seconds > Math.max(2.5 * usual, usual + 600)) {
      const note = `${Math.round(seconds / 60)} min, usually ${Math.round(usual / 60)} min`;
      flags.push({ record: stored, reason: 'long_service', note, by: null });
    }
    const alert = this.#o.alertAbout(departmentId, ticketId);
    if (alert)
      flags.push({ record: stored, reason: 'alert', note: `alert #${alert.id} (${alert.rule})`, by: null });
    return flags;
  }

  async #onRating(event: Extract<QueueEvent, { type: 'rating.submitted' }>): Promise<void> {
    let stored = await this.#o.store.findInteraction(event.departmentId, event.ticketId);
    const t = this.#o.ticket(event.departmentId, event.ticketId);
    if (t) {
      const record = interactionFrom(event.departmentId, t, t.finishedAt);
      if (record)
        stored = await this.upsert({
          ...record,
          rating: event.rating,
          ratingComment: event.comment ?? null,
          ratedAt: t.ratedAt ?? event.occurredAt,
        });
    }
    if (stored && event.rating === 'unsatisfied') {
      await this.#host.flagAll([
        { record: stored, reason: 'unsatisfied_rating', note: event.comment ?? null, by: null },
      ]);
    }
  }

  /** A comment after the rating (the pad records the rating at the tap): the review shows it. */
  async #onComment(event: Extract<QueueEvent, { type: 'rating.commented' }>): Promise<void> {
    const t = this.#o.ticket(event.departmentId, event.ticketId);
    const record = t && interactionFrom(event.departmentId, t, t.finishedAt);
    if (!t || !record) return;
    await this.upsert({ ...record, ratingComment: event.comment });
  }

  /** Stores the interaction with the officer on duty when its service started (kept once named). */
  async upsert(record: NewInteraction): Promise<InteractionRecord> {
    const officer = await this.#o.officerAt(record.counterId, record.startedAt);
    return this.#o.store.upsertInteraction({ ...record, officer });
  }
}
