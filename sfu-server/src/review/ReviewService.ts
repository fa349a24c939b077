import {
  AppError,
  TypedEmitter,
  serviceInfo,
  type Finding,
  type FlagReason,
  type Interaction,
  type OfficerRef,
  type QueueEvent,
  type Clock,
} from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import type { Logger } from '../logger.js';
import type { TicketRecord } from '../queue/DepartmentQueue.js';
import { businessDayStart } from '../queue/businessDay.js';
import type { InteractionQuery, InteractionRecord, ReviewStore } from '../storage/Storage.js';

/** The events that make or complete an interaction. */
const RECORDED = new Set<QueueEvent['type']>(['service.finished', 'rating.submitted', 'rating.commented']);
/** How long before the business day a service recorded today may have started. */
const RECONCILE_MARGIN_MS = 12 * 3_600_000;

type NewInteraction = Omit<InteractionRecord, 'id' | 'review' | 'reviewClosedAt' | 'keep' | 'officer'>;
/** A flag to add to a stored interaction; `by` is null when the system raised it. */
interface NewFlag {
  record: InteractionRecord;
  reason: FlagReason;
  note: string | null;
  by: string | null;
}

/** The clip of an interaction: its service plus this much on each side. */
export const CLIP_MARGIN_MS = 60_000;

export interface ReviewServiceOptions {
  store: ReviewStore;
  /** Today's ticket record, for the times the interaction keeps. */
  ticket: (departmentId: string, ticketId: string) => TicketRecord | undefined;
  /** The counter's ticket at the desk now (for flags from the live view). */
  activeTicket: (departmentId: string, counterId: string) => TicketRecord | undefined;
  /** The usual service time of a service here, in seconds (today's mean, else the typical one). */
  usualServiceSeconds: (departmentId: string, serviceCode: string) => number;
  /** An alert about this ticket (long service), if one is open. */
  alertAbout: (departmentId: string, ticketId: string) => { id: number; rule: string } | undefined;
  /** The officer signed in at the counter at that time (the panel's sign-in). */
  officerAt: (counterId: string, at: number) => Promise<OfficerRef | null>;
  /** `officerAt` for several at once, in their order. */
  officersAt: (queries: readonly { counterId: string; at: number }[]) => Promise<(OfficerRef | null)[]>;
  /** Each person's action (a flag, a complaint, a decision) goes on record before it is taken. */
  audit: AuditLog;
  logger: Logger;
  /** The injected clock. */
  now: Clock;
  /** Holds on a reviewed interaction's recording end this long after its review closed, unless kept. */
  releaseAfterMs: number;
  /** The departments, and each one's events stored since a time: what `reconcile` compares. */
  departments?: () => string[];
  eventsSince?: (departmentId: string, since: number) => Promise<QueueEvent[]>;
}

export type ReviewServiceEvents = {
  flagged: [interaction: Interaction, reason: FlagReason];
};

/**
 * Every served ticket becomes an interaction; some get flagged — by rule
 * (an unsatisfied rating, a service far longer than usual, an alert about
 * it), by a complaint, or by hand — and wait in the review queue, holding
 * their recording until the review is closed (and N days more).
 */
export class ReviewService extends TypedEmitter<ReviewServiceEvents> {
  readonly #o: ReviewServiceOptions;
  readonly #logger: Logger;
  readonly #now: Clock;
  /** Events waiting for the end of the turn, and that turn's recording. */
  #pending: QueueEvent[] = [];
  #flush: Promise<void> | undefined;
  #recorded: Promise<void> = Promise.resolve();

  constructor(options: ReviewServiceOptions) {
    super();
    this.#o = options;
    this.#logger = options.logger.child({ module: 'review' });
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
      const record = records.get(k) ?? (t && this.#recordFrom(event.departmentId, t, t.finishedAt));
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
    await this.#flagAll(flags);
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
    const record = t && this.#recordFrom(departmentId, t, t.finishedAt);
    if (!t || !record) return;
    await this.#flagFinished(await this.#upsert(record));
  }

  /** A service far longer than usual, or one an alert is about, is flagged. */
  async #flagFinished(stored: InteractionRecord): Promise<void> {
    await this.#flagAll(this.#finishedFlags(stored));
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
      const record = this.#recordFrom(event.departmentId, t, t.finishedAt);
      if (record)
        stored = await this.#upsert({
          ...record,
          rating: event.rating,
          ratingComment: event.comment ?? null,
          ratedAt: t.ratedAt ?? event.occurredAt,
        });
    }
    if (stored && event.rating === 'unsatisfied') {
      await this.flag(stored.id, 'unsatisfied_rating', event.comment ?? null, null);
    }
  }

  /** A comment after the rating (the pad records the rating at the tap): the review shows it. */
  async #onComment(event: Extract<QueueEvent, { type: 'rating.commented' }>): Promise<void> {
    const t = this.#o.ticket(event.departmentId, event.ticketId);
    const record = t && this.#recordFrom(event.departmentId, t, t.finishedAt);
    if (!t || !record) return;
    await this.#upsert({ ...record, ratingComment: event.comment });
  }

  /** A reviewer flags an interaction by hand: on record, then flagged. */
  async flagByHand(interaction: Interaction, note: string, actor: Actor): Promise<Interaction> {
    await this.#o.audit.record({
      action: 'interaction.flag',
      actor,
      departmentId: interaction.departmentId,
      counterId: interaction.counterId,
      objectType: 'interaction',
      objectId: interaction.id,
      reason: note,
    });
    await this.flag(interaction.id, 'manual', note, actor.username);
    return this.#view(interaction.id);
  }

  /** A complaint names this interaction: on record, then flagged with its description. */
  async flagFromComplaint(interaction: Interaction, description: string, actor: Actor): Promise<Interaction> {
    await this.#o.audit.record({
      action: 'interaction.complaint',
      actor,
      departmentId: interaction.departmentId,
      counterId: interaction.counterId,
      objectType: 'interaction',
      objectId: interaction.id,
      reason: description,
    });
    await this.flag(interaction.id, 'complaint', description, actor.username);
    return this.#view(interaction.id);
  }

  /** From the live view: the citizen at this counter now is flagged, on record first. */
  async flagCounterNow(
    departmentId: string,
    counterId: string,
    note: string,
    actor: Actor,
  ): Promise<Interaction> {
    await this.#o.audit.record({
      action: 'interaction.flag',
      actor,
      departmentId,
      counterId,
      objectType: 'counter',
      objectId: counterId,
      reason: note,
    });
    return this.flagAtCounter(departmentId, counterId, note, actor.username);
  }

  /** A reviewer's finding on a flagged interaction, on record before it is stored. */
  async review(
    interaction: Interaction,
    decision: { finding: Finding; note: string; keep: boolean },
    actor: Actor,
  ): Promise<Interaction> {
    if (interaction.flags.length === 0)
      throw new AppError('conflict', 'only flagged interactions are reviewed');
    await this.#o.audit.record({
      action: 'review.decision',
      actor,
      departmentId: interaction.departmentId,
      counterId: interaction.counterId,
      objectType: 'interaction',
      objectId: interaction.id,
      reason: decision.note,
      details: { finding: decision.finding, keep: decision.keep },
    });
    return this.decide(interaction.id, decision.finding, decision.note, decision.keep, actor.username);
  }

  /** Flags the citizen at the counter's desk now (or the one who just left), from the live view or an inspection. */
  async flagAtCounter(
    departmentId: string,
    counterId: string,
    note: string,
    by: string,
  ): Promise<Interaction> {
    const t = this.#o.activeTicket(departmentId, counterId);
    if (!t)
      throw new AppError(
        'conflict',
        'no citizen at this counter now; add an observation to an inspection instead',
      );
    // Still being served: keep the span open to now; the finish updates it.
    const record = this.#recordFrom(departmentId, t, t.finishedAt ?? this.#now());
    if (!record) throw new AppError('conflict', 'the ticket at this counter is not known yet');
    const stored = await this.#upsert(record);
    await this.flag(stored.id, 'manual', note, by);
    return this.#view(stored.id);
  }

  async flag(
    interactionId: number,
    reason: FlagReason,
    note: string | null,
    by: string | null,
  ): Promise<void> {
    const record = await this.#o.store.getInteraction(interactionId);
    if (!record) throw new AppError('not_found', `no interaction ${interactionId}`);
    await this.#flagAll([{ record, reason, note, by }]);
  }

  /** Adds flags in one transaction; each new one is logged and told (with its review reopened). */
  async #flagAll(flags: readonly NewFlag[]): Promise<void> {
    if (flags.length === 0) return;
    const at = this.#now();
    const added = await this.#o.store.addFlags(
      flags.map((f) => ({ interactionId: f.record.id, reason: f.reason, note: f.note, by: f.by, at })),
    );
    const told = flags.filter((_, i) => added[i]);
    if (told.length === 0) return;
    // What the store did to each: a new flag reopened its review.
    const records = [...new Map(told.map((f) => [f.record.id, f.record])).values()].map(
      (r): InteractionRecord => ({ ...r, review: 'pending', reviewClosedAt: null }),
    );
    const views = new Map((await this.#views(records)).map((v) => [v.id, v]));
    for (const { record, reason } of told) {
      const view = views.get(record.id);
      if (!view) continue;
      this.#logger.info(
        { interactionId: record.id, reason, counterId: view.counterId },
        'interaction flagged',
      );
      this.emit('flagged', view, reason);
    }
  }

  async get(id: number): Promise<Interaction | undefined> {
    const record = await this.#o.store.getInteraction(id);
    return record && (await this.#views([record]))[0];
  }

  async list(query: InteractionQuery): Promise<Interaction[]> {
    return this.#views(await this.#o.store.listInteractions(query));
  }

  /** Interactions around the time a complaint names, nearest first. */
  async complaintCandidates(
    departmentIds: string[] | null,
    departmentId: string,
    counterId: string | undefined,
    at: number,
  ): Promise<Interaction[]> {
    const window = 45 * 60_000;
    const found = await this.#o.store.listInteractions({
      departmentIds,
      departmentId,
      ...(counterId ? { counterId } : {}),
      from: at - window - 4 * 3_600_000,
      to: at + window,
      limit: 200,
    });
    const distance = (r: InteractionRecord): number =>
      at < r.startedAt ? r.startedAt - at : at > r.finishedAt ? at - r.finishedAt : 0;
    const near = found.filter((r) => distance(r) <= window).sort((a, b) => distance(a) - distance(b));
    return this.#views(near.slice(0, 20));
  }

  async decide(
    interactionId: number,
    finding: Finding,
    note: string,
    keep: boolean,
    by: string,
  ): Promise<Interaction> {
    const record = await this.#o.store.getInteraction(interactionId);
    if (!record) throw new AppError('not_found', `no interaction ${interactionId}`);
    await this.#o.store.addDecision({ interactionId, finding, note, by, at: this.#now() }, keep);
    return this.#view(interactionId);
  }

  heldSpans(now: number): Promise<{ counterId: string; from: number; to: number }[]> {
    return this.#o.store.heldSpans(now, this.#o.releaseAfterMs, CLIP_MARGIN_MS);
  }

  /** Stores the interaction with the officer on duty when its service started (kept once named). */
  async #upsert(record: NewInteraction): Promise<InteractionRecord> {
    const officer = await this.#o.officerAt(record.counterId, record.startedAt);
    return this.#o.store.upsertInteraction({ ...record, officer });
  }

  #recordFrom(departmentId: string, t: TicketRecord, finishedAt: number | null): NewInteraction | undefined {
    const startedAt = t.startedAt ?? t.lastCalledAt ?? t.calledAt;
    if (startedAt === null || finishedAt === null || t.counterId === null || t.serviceCode === null)
      return undefined;
    return {
      departmentId,
      counterId: t.counterId,
      ticketId: t.id,
      ticketNumber: t.number ?? t.id,
      serviceCode: t.serviceCode,
      issuedAt: t.issuedAt,
      calledAt: t.calledAt,
      startedAt,
      finishedAt: Math.max(startedAt, finishedAt),
      outcome: t.outcome ?? 'completed',
      rating: t.rating,
      ratingComment: t.ratingComment,
      ratedAt: t.ratedAt,
    };
  }

  async #view(id: number): Promise<Interaction> {
    const interaction = await this.get(id);
    if (!interaction) throw new AppError('not_found', `no interaction ${id}`);
    return interaction;
  }

  async #views(records: InteractionRecord[]): Promise<Interaction[]> {
    const ids = records.map((r) => r.id);
    const [flags, decisions] = await Promise.all([this.#o.store.flags(ids), this.#o.store.decisions(ids)]);
    return records.map((r) => ({
      id: r.id,
      departmentId: r.departmentId,
      counterId: r.counterId,
      ticketId: r.ticketId,
      ticketNumber: r.ticketNumber,
      serviceCode: r.serviceCode,
      issuedAt: r.issuedAt,
      calledAt: r.calledAt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      outcome: r.outcome,
      waitSeconds:
        r.issuedAt !== null && r.calledAt !== null ? Math.max(0, (r.calledAt - r.issuedAt) / 1000) : null,
      serviceSeconds: Math.max(0, (r.finishedAt - r.startedAt) / 1000),
      rating: r.rating,
      ratingComment: r.ratingComment,
      ratedAt: r.ratedAt,
      officer: r.officer,
      clipFrom: r.startedAt - CLIP_MARGIN_MS,
      clipTo: r.finishedAt + CLIP_MARGIN_MS,
      flags: flags
        .filter((f) => f.interactionId === r.id)
        .map((f) => ({ reason: f.reason, note: f.note, by: f.by, at: f.at })),
      review: r.review,
      decisions: decisions
        .filter((d) => d.interactionId === r.id)
        .map((d) => ({ finding: d.finding, note: d.note, by: d.by, at: d.at })),
      keep: r.keep,
    }));
  }
}

/** The usual time for a service: typical minutes from the catalogue when nothing better is known. */
export function typicalServiceSeconds(serviceCode: string): number {
  return (serviceInfo(serviceCode)?.typicalMinutes ?? 10) * 60;
}
