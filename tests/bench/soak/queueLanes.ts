import { DepartmentDay, type SimCounter } from '@counterwatch/demo';
import { EventBatchResultSchema, MAX_EVENT_BATCH, type QueueEvent } from '@counterwatch/shared';

/**
 * One department's queue-number system: it plays a simulated day (the
 * simulator's model) compressed into the soak, posts what happened with the
 * department key, and now and then goes away — its link is down, events pile
 * up — and comes back, first resending the last batch it never heard back
 * about (all duplicates), then the backlog.
 */
export class QueueLane {
  readonly departmentId: string;
  readonly #day: DepartmentDay;
  readonly #url: string;
  readonly #apiKey: string;
  readonly #now: () => number;
  readonly #pending: QueueEvent[] = [];
  #lastBatch: QueueEvent[] = [];
  #resend = false;
  #busy: Promise<void> | undefined;
  #down = false;
  produced = 0;
  accepted = 0;
  duplicates = 0;
  rejected = 0;
  /** Batches that failed in transit (retried). */
  failures = 0;
  outages = 0;
  /** The largest backlog flushed after an outage. */
  largestBacklog = 0;
  firstRejection: string | undefined;

  constructor(options: {
    departmentId: string;
    counters: SimCounter[];
    seed: number;
    dailyCitizens: number;
    /** Epoch ms (stack clock) stamped for a simulated ms since opening. */
    stamp: (simMs: number) => number;
    url: string;
    apiKey: string;
    now: () => number;
  }) {
    this.departmentId = options.departmentId;
    this.#day = new DepartmentDay({
      departmentId: options.departmentId,
      counters: options.counters,
      seed: options.seed,
      dailyCitizens: options.dailyCitizens,
      stamp: options.stamp,
    });
    this.#url = options.url;
    this.#apiKey = options.apiKey;
    this.#now = options.now;
  }

  get down(): boolean {
    return this.#down;
  }

  get backlog(): number {
    return this.#pending.length;
  }

  /** Every event of the day was produced and taken by the server. */
  get done(): boolean {
    return this.#day.finished && this.#pending.length === 0;
  }

  /** Advances the day to `simMs` and delivers what is pending, unless the link is down. */
  tick(simMs: number): Promise<void> {
    const events = this.#day.advanceTo(simMs);
    this.produced += events.length;
    this.#pending.push(...events);
    if (this.#down) return Promise.resolve();
    this.#busy ??= this.#deliver().finally(() => {
      this.#busy = undefined;
    });
    return this.#busy;
  }

  drop(): void {
    this.#down = true;
    this.outages += 1;
  }

  restore(): void {
    this.#down = false;
    this.#resend = this.#lastBatch.length > 0;
    this.largestBacklog = Math.max(this.largestBacklog, this.#pending.length);
  }

  async idle(): Promise<void> {
    await this.#busy;
  }

  async #deliver(): Promise<void> {
    if (this.#resend) {
      if (!(await this.#post(this.#lastBatch))) return;
      this.#resend = false;
    }
    while (this.#pending.length > 0 && !this.#down) {
      const batch = this.#pending.slice(0, MAX_EVENT_BATCH);
      if (!(await this.#post(batch))) return;
      this.#pending.splice(0, batch.length);
      this.#lastBatch = batch;
    }
  }

  /** True if the server answered with a batch result. */
  async #post(events: QueueEvent[]): Promise<boolean> {
    try {
      const res = await fetch(`${this.#url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.#apiKey}` },
        body: JSON.stringify({ events, sentAt: this.#now() }),
      });
      if (!res.ok) throw new Error(`POST /events ${res.status}: ${await res.text()}`);
      const result = EventBatchResultSchema.parse(await res.json());
      this.accepted += result.accepted;
      this.duplicates += result.duplicate;
      this.rejected += result.rejected;
      const refused = result.results.find((r) => r.status === 'rejected');
      if (refused) this.firstRejection ??= `${refused.id}: ${refused.reason ?? ''}`;
      return true;
    } catch {
      this.failures += 1;
      return false;
    }
  }
}
