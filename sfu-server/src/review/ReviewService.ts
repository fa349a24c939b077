import {
  AppError,
  TypedEmitter,
  serviceInfo,
  type Finding,
  type FlagReason,
  type Interaction,
  type QueueEvent,
  type Clock,
} from '@counterwatch/shared';
import type { Actor, AuditLog } from '../audit/AuditLog.js';
import type { Logger } from '../logger.js';
import type { TicketRecord } from '../queue/DepartmentQueue.js';
import type { InteractionQuery, InteractionRecord, ReviewStore } from '../storage/Storage.js';
import { InteractionRecorder, type InteractionRecorderOptions } from './InteractionRecorder.js';
import { CLIP_MARGIN_MS, interactionFrom, interactionViews, type NewFlag } from './interactionRecords.js';

/** The recorder's needs (`InteractionRecorderOptions`), with the whole review store, and what people's flags and decisions need. */
export interface ReviewServiceOptions extends Omit<InteractionRecorderOptions, 'store'> {
  store: ReviewStore;
  /** The counter's ticket at the desk now (for flags from the live view). */
  activeTicket: (departmentId: string, counterId: string) => TicketRecord | undefined;
  /** Each person's action (a flag, a complaint, a decision) goes on record before it is taken. */
  audit: AuditLog;
  /** Holds on a reviewed interaction's recording end this long after its review closed, unless kept. */
  releaseAfterMs: number;
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
  readonly #recorder: InteractionRecorder;

  constructor(options: ReviewServiceOptions) {
    super();
    this.#o = options;
    this.#logger = options.logger.child({ module: 'review' });
    this.#now = options.now;
    this.#recorder = new InteractionRecorder(
      { ...options, logger: this.#logger },
      { flagAll: (flags) => this.#flagAll(flags) },
    );
  }

  /**
   * Newly accepted queue events: a finished service makes an interaction; a
   * rating completes it. One turn's events are recorded together (`InteractionRecorder`).
   */
  onEvent(event: QueueEvent): Promise<void> {
    return this.#recorder.onEvent(event);
  }

  /** After a start: today's served tickets and ratings the interactions lack are recorded now. */
  reconcile(): Promise<number> {
    return this.#recorder.reconcile();
  }

  /** Once every event handed in so far is recorded (shutdown waits for it before the store closes). */
  settled(): Promise<void> {
    return this.#recorder.settled();
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
    const record = interactionFrom(departmentId, t, t.finishedAt ?? this.#now());
    if (!record) throw new AppError('conflict', 'the ticket at this counter is not known yet');
    const stored = await this.#recorder.upsert(record);
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

  async #view(id: number): Promise<Interaction> {
    const interaction = await this.get(id);
    if (!interaction) throw new AppError('not_found', `no interaction ${id}`);
    return interaction;
  }

  async #views(records: InteractionRecord[]): Promise<Interaction[]> {
    const ids = records.map((r) => r.id);
    const [flags, decisions] = await Promise.all([this.#o.store.flags(ids), this.#o.store.decisions(ids)]);
    return interactionViews(records, flags, decisions);
  }
}

/** The usual time for a service: typical minutes from the catalogue when nothing better is known. */
export function typicalServiceSeconds(serviceCode: string): number {
  return (serviceInfo(serviceCode)?.typicalMinutes ?? 10) * 60;
}
