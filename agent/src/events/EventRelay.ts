import {
  Backoff,
  MAX_EVENT_BATCH,
  TypedEmitter,
  type AgentToServer,
  type ProtocolApi,
  type Clock,
} from '@counterwatch/shared';
import type { Logger } from 'pino';
import type { Outbox } from './Outbox.js';

export type EventRelayEvents = {
  delivered: [accepted: number, duplicate: number, rejected: number];
};

/**
 * Drains the outbox to the server whenever it is connected: oldest first, in
 * batches, deleting an event only after the server answered for it
 * (at-least-once; the server is idempotent by event id).
 */
export class EventRelay extends TypedEmitter<EventRelayEvents> {
  readonly #outbox: Outbox;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #backoff = new Backoff({ initialMs: 1_000, maxMs: 30_000 });
  #api: ProtocolApi<AgentToServer> | undefined;
  #running = false;
  #again = false;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;

  constructor({ outbox, logger, now }: { outbox: Outbox; logger: Logger; now: Clock }) {
    super();
    this.#outbox = outbox;
    this.#now = now;
    this.#logger = logger.child({ module: 'event-relay' });
  }

  /** The server connection came up (or went away: undefined). */
  setConnection(api: ProtocolApi<AgentToServer> | undefined): void {
    this.#api = api;
    if (api) {
      this.#backoff.reset();
      this.kick();
    }
  }

  /** New events are waiting: deliver soon. */
  kick(): void {
    if (this.#stopped || !this.#api) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    clearTimeout(this.#retryTimer);
    void this.#drain();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retryTimer);
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (;;) {
        const api = this.#api;
        if (!api || this.#stopped) return;
        const batch = this.#outbox.peek(MAX_EVENT_BATCH);
        if (batch.length === 0) return;
        // sentAt on our clock, so the server can correct the events' times if this PC's clock is off.
        const result = await api.requestPushEvents({ events: batch.map((b) => b.body), sentAt: this.#now() });
        const done: string[] = [];
        const rejected: { eventId: string; reason: string }[] = [];
        for (const [i, r] of result.results.entries()) {
          const item = batch[i];
          if (!item) continue;
          if (r.status === 'rejected')
            rejected.push({ eventId: item.eventId, reason: r.reason ?? 'rejected' });
          else done.push(item.eventId);
        }
        this.#outbox.acknowledge(done);
        if (rejected.length > 0) {
          this.#outbox.deadLetter(rejected);
          this.#logger.error(
            { count: rejected.length, first: rejected[0] },
            'server rejected events; kept in the dead-letter table',
          );
        }
        this.#backoff.reset();
        this.emit('delivered', result.accepted, result.duplicate, result.rejected);
      }
    } catch (error) {
      const delay = this.#backoff.next();
      this.#logger.warn(
        { reason: error instanceof Error ? error.message : String(error), retryInMs: delay },
        'event delivery failed; will retry',
      );
      this.#retryTimer = setTimeout(() => this.kick(), delay);
    } finally {
      this.#running = false;
      if (this.#again) {
        this.#again = false;
        this.kick();
      }
    }
  }
}
