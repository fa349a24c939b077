import type { Clock, Counter, EventBatchResult, EventResult, QueueEvent } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { Storage, StoredQueueEvent } from '../storage/Storage.js';
import type { LogCursor } from './LogCursor.js';
import { eventResult, summarise } from './outcomes.js';
import type { SourceClocks } from './SourceClocks.js';
import { checkAgentTicketScope, checkEvent, type Checked, type EventOrigin } from './validation.js';

/** At most this many events in one group commit: one transaction stays short. */
const MAX_GROUP_EVENTS = 5_000;

/** Events that put a ticket at a counter. */
const CALLS = new Set<QueueEvent['type']>([
  'ticket.called',
  'ticket.recalled',
  'service.started',
  'service.finished',
]);

/** What the group commit asks of the queue service that owns it. */
export interface GroupCommitHost {
  /** A counter of the directory (an event naming another is rejected on arrival). */
  counter(id: string): Counter | undefined;
  /** The counter a ticket of today was called to, for an agent's scope check. */
  ticketCounter(departmentId: string, ticketId: string): string | null | undefined;
  /** The clocks of a department's sources, for the day an event was received in. */
  clocks(departmentId: string, receivedAt: number): SourceClocks;
  /** A batch answered, event by event. */
  answered(origin: EventOrigin, summary: EventBatchResult): void;
}

export interface GroupCommitOptions {
  storage: Pick<Storage, 'insertQueueEvents'>;
  /** Folds what a group stored, in log order. */
  log: LogCursor;
  logger: Logger;
  now: Clock;
  host: GroupCommitHost;
}

/** A batch as it arrived: each event checked on its own (schema, directory, time). */
interface Arrived {
  origin: EventOrigin;
  checked: Checked[];
  receivedAt: number;
  /** The sender's clock against ours, when it said. */
  senderOffset: number | undefined;
}

/** A batch waiting for its group's turn. */
interface PendingBatch extends Arrived {
  resolve: (result: EventBatchResult) => void;
  reject: (error: unknown) => void;
}

/** A group stored, waiting to be folded and answered. */
interface StoredGroup {
  checked: { batch: PendingBatch; results: EventResult[]; candidates: Candidate[] }[];
  inserted: StoredQueueEvent[];
  /** Tickets the group called (ticket id → counter). */
  calls: Map<string, string>;
  /** When it was checked. */
  now: number;
}

interface Candidate {
  /** Where the event sits in its batch. */
  index: number;
  event: QueueEvent;
  correctedAt: number;
}

/**
 * The queue's turns, and the batches stored together in them. Batches that
 * arrive while the one before is being stored wait together and are stored in
 * one transaction (group commit): one commit — and one fsync — for many
 * senders, checked and answered each as its own batch. Other work that must
 * see the state between groups (a device's built event, another process's
 * events) takes a turn of its own.
 *
 * A group goes through two stages, each in arrival order: checked and stored,
 * then folded and answered. The next group is stored while this one folds, so
 * the database and this process work at the same time rather than in turn;
 * its checks see the calls of the groups stored and not yet folded.
 */
export class GroupCommit {
  readonly #storage: GroupCommitOptions['storage'];
  readonly #log: LogCursor;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #host: GroupCommitHost;
  /** The last fold (or turn of other work) in line: a turn starts after it. */
  #turns: Promise<unknown> = Promise.resolve();
  /** The last store (or turn) in line: the next group is stored after it, not after its fold. */
  #stores: Promise<unknown> = Promise.resolve();
  /** Tickets called (ticket id → counter) by groups stored and not folded yet, oldest first. */
  readonly #unfoldedCalls: Map<string, string>[] = [];
  /** Batches waiting for the next turn, to be stored together. */
  #openGroup: { batches: PendingBatch[]; events: number } | undefined;

  constructor(options: GroupCommitOptions) {
    this.#storage = options.storage;
    this.#log = options.log;
    this.#logger = options.logger;
    this.#now = options.now;
    this.#host = options.host;
  }

  /** Checks a batch on arrival and stores it with the others of the next group; resolves once it is folded. */
  ingest(origin: EventOrigin, raw: unknown[], sentAt?: number): Promise<EventBatchResult> {
    // Checked on arrival, outside the turn: the schema and the directory need no state.
    const arrived = this.#arrive(origin, raw, sentAt);
    return new Promise((resolve, reject) => {
      let group = this.#openGroup;
      if (!group || group.events + raw.length > MAX_GROUP_EVENTS) {
        const opened: PendingBatch[] = [];
        group = this.#openGroup = { batches: opened, events: 0 };
        // Its store closes it: later batches open the next group.
        const stored = this.#stores.then(() => {
          if (this.#openGroup?.batches === opened) this.#openGroup = undefined;
          return this.#store(opened);
        });
        this.#stores = stored.catch(() => undefined);
        // Folded after the turns before it, answered in arrival order whether stored or not.
        const folded = this.#turns
          .then(() => stored)
          .then(
            (done) => this.#fold(done),
            // Not stored: every batch of the group is answered with the failure, none half.
            (error: unknown) => {
              for (const batch of opened) batch.reject(error);
            },
          );
        this.#turns = folded.catch(() => undefined);
      }
      group.batches.push({ ...arrived, resolve, reject });
      group.events += raw.length;
    });
  }

  /** Runs `work` in the next turn (the turns go on whether it succeeds or not). */
  turn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#turns.then(work);
    this.#turns = run.catch(() => undefined);
    // Groups handed in later are stored after it: it sees the state between them.
    this.#stores = this.#turns;
    return run;
  }

  /**
   * Runs `work` in a turn of its own, after the batches handed in so far: batches arriving after
   * this call are stored after it, in arrival order. `store` stores one event within that turn.
   */
  alone<T>(
    work: (store: (origin: EventOrigin, event: QueueEvent) => Promise<EventResult>) => Promise<T>,
  ): Promise<T> {
    this.#openGroup = undefined;
    return this.turn(() =>
      work(async (origin, event) => {
        const arrived = this.#arrive(origin, [event], undefined);
        const done = new Promise<EventBatchResult>(
          (resolve, reject) => void this.#ingestGroup([{ ...arrived, resolve, reject }]),
        );
        const result = (await done).results[0];
        if (!result) throw new Error('an ingested event has no result');
        return result;
      }),
    );
  }

  /** Once the batches handed in so far are stored and folded (shutdown waits for it). */
  async settled(): Promise<void> {
    await this.#turns;
  }

  /** A batch as it arrives: the time, the sender's clock offset, each event checked on its own. */
  #arrive(origin: EventOrigin, raw: unknown[], sentAt: number | undefined): Arrived {
    const receivedAt = this.#now();
    // The sender told us its clock: every event of the batch is off by the same amount.
    const senderOffset = sentAt === undefined ? undefined : receivedAt - sentAt;
    const counterOf = (id: string): Counter | undefined => this.#host.counter(id);
    const checked = raw.map((item, index) =>
      checkEvent(item, index, origin, receivedAt, counterOf, senderOffset),
    );
    return { origin, checked, receivedAt, senderOffset };
  }

  /** A group stored and folded at once (in a turn of its own). */
  async #ingestGroup(group: readonly PendingBatch[]): Promise<void> {
    let stored: StoredGroup;
    try {
      stored = await this.#store(group);
    } catch (error) {
      for (const batch of group) batch.reject(error);
      return;
    }
    await this.#fold(stored);
  }

  /**
   * Checks every batch of a group in arrival order (as if they were one:
   * a ticket called by an earlier batch, or an earlier group not folded yet,
   * is in scope for a later one) and stores all their accepted events in one
   * transaction. A storage failure fails every batch of the group, none half.
   */
  async #store(group: readonly PendingBatch[]): Promise<StoredGroup> {
    const now = this.#now();
    const calls = new Map<string, string>();
    const checked = group.map((batch) => ({ batch, ...this.#check(batch, calls) }));
    const stored = await this.#storage.insertQueueEvents(
      checked.flatMap(({ batch, candidates: own }) =>
        own.map((c) => ({ event: c.event, receivedAt: batch.receivedAt, correctedAt: c.correctedAt })),
      ),
    );
    /** The group's stored events, in log order: folded from here, not read back. */
    const inserted: StoredQueueEvent[] = [];
    let at = 0;
    for (const { batch, results, candidates: own } of checked) {
      const { receivedAt } = batch;
      for (const { index, event, correctedAt } of own) {
        const outcome = stored[at++];
        if (!outcome) throw new Error('the store answered fewer events than it was given');
        results[index] = eventResult(event, outcome);
        if (outcome.status !== 'inserted') continue;
        this.#log.stored(outcome.seq);
        inserted.push({ seq: outcome.seq, event, receivedAt, correctedAt });
      }
    }
    // Until it is folded, the next group's checks look here for what this one called.
    this.#unfoldedCalls.push(calls);
    return { checked, inserted, calls, now };
  }

  /** Folds a stored group into the state and answers each of its batches. */
  async #fold({ checked, inserted, calls, now }: StoredGroup): Promise<void> {
    try {
      await this.#log.foldStored(inserted, now);
    } catch (error) {
      // Stored, so accepted: the next catch-up folds what this one could not read.
      this.#logger.error({ err: error }, 'stored queue events not folded yet');
    } finally {
      const i = this.#unfoldedCalls.indexOf(calls);
      if (i >= 0) this.#unfoldedCalls.splice(i, 1);
    }
    for (const { batch, results } of checked) {
      const summary = summarise(results);
      if (summary.rejected > 0) {
        this.#logger.info(
          {
            origin: batch.origin.departmentId,
            rejected: summary.rejected,
            first: results.find((r) => r.status === 'rejected'),
          },
          'queue events rejected',
        );
      }
      this.#host.answered(batch.origin, summary);
      batch.resolve(summary);
    }
  }

  /** The counter a ticket was last called to: this group, the groups not folded yet, then the state. */
  #calledTo(departmentId: string, ticketId: string, calls: Map<string, string>): string | null | undefined {
    const here = calls.get(ticketId);
    if (here !== undefined) return here;
    for (let i = this.#unfoldedCalls.length - 1; i >= 0; i--) {
      const earlier = this.#unfoldedCalls[i]?.get(ticketId);
      if (earlier !== undefined) return earlier;
    }
    return this.#host.ticketCounter(departmentId, ticketId);
  }

  /** One batch's events checked against today's state: the rejected answered, the rest to store. */
  #check(
    { origin, checked, receivedAt, senderOffset }: Arrived,
    calls: Map<string, string>,
  ): { results: EventResult[]; candidates: Candidate[] } {
    const results: EventResult[] = new Array<EventResult>(checked.length);
    const candidates: Candidate[] = [];
    for (const [index, item] of checked.entries()) {
      if (!item.ok) {
        results[index] = { id: item.id, status: 'rejected', reason: item.reason };
        continue;
      }
      const { event } = item;
      const outOfScope = checkAgentTicketScope(event, origin, (ticketId) =>
        this.#calledTo(event.departmentId, ticketId, calls),
      );
      if (outOfScope) {
        results[index] = { id: event.id, status: 'rejected', reason: outOfScope };
        continue;
      }
      if ('counterId' in event && event.counterId && 'ticketId' in event && CALLS.has(event.type))
        calls.set(event.ticketId, event.counterId);
      const clocks = this.#host.clocks(event.departmentId, receivedAt);
      const correctedAt = clocks.observe(event.source.id, event.occurredAt, receivedAt, senderOffset);
      candidates.push({ index, event, correctedAt });
    }
    return { results, candidates };
  }
}
