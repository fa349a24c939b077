import type { InspectionDraft } from '@counterwatch/shared';

/** Where the draft on screen stands with the server. */
export type DraftSaveState = 'loading' | 'saved' | 'pending' | 'saving' | 'error';

export interface DraftSaverOptions {
  /** Sends one draft; resolves with the server's time of the save. `keepalive` when the page is going away. */
  save: (draft: InspectionDraft, keepalive: boolean) => Promise<number>;
  onState: (state: DraftSaveState, savedAt: number | null, error: unknown) => void;
  /** Typing pauses this long before a save. */
  delayMs?: number;
  /** A failed save is tried again after this (doubling, capped at 30 s) unless the server refused it. */
  retryMs?: number;
  /** The server refused it for good (an ended inspection, another inspector's): no retry. */
  refused?: (error: unknown) => boolean;
}

const MAX_RETRY_MS = 30_000;

/**
 * Saves an inspection's draft as it is typed: debounced, one request at a
 * time (so saves arrive in order and the newest wins), retried on failure,
 * and flushed with `keepalive` when the page goes away. Framework-free;
 * `close()` once.
 */
export class DraftSaver {
  readonly #o: Required<DraftSaverOptions>;
  #pending: InspectionDraft | null = null;
  #inFlight = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #failures = 0;
  #savedAt: number | null;
  #closed = false;

  constructor(options: DraftSaverOptions, savedAt: number | null) {
    this.#o = { delayMs: 700, retryMs: 2_000, refused: () => false, ...options };
    this.#savedAt = savedAt;
  }

  get hasUnsaved(): boolean {
    return this.#pending !== null || this.#inFlight;
  }

  update(draft: InspectionDraft): void {
    if (this.#closed) return;
    this.#pending = draft;
    this.#failures = 0;
    if (!this.#inFlight) this.#o.onState('pending', this.#savedAt, null);
    this.#schedule(this.#o.delayMs);
  }

  /** Sends what is pending now (the focus view closes, the inspection ends). */
  flush(): Promise<void> {
    this.#clearTimer();
    return this.#send(false);
  }

  /** The page is going away: what is pending leaves with `keepalive`, so it outlives the page. */
  flushOnExit(): void {
    this.#clearTimer();
    const draft = this.#pending;
    if (draft === null) return;
    this.#pending = null;
    this.#o.save(draft, true).catch(() => undefined);
  }

  /** Stops for good; what is pending is dropped (call `flush()` first to keep it). */
  close(): void {
    this.#closed = true;
    this.#clearTimer();
    this.#pending = null;
  }

  #schedule(ms: number): void {
    this.#clearTimer();
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#send(false);
    }, ms);
  }

  #clearTimer(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  // Read through methods: the flags change while a save is awaited, which narrowing cannot see.
  #stopped(): boolean {
    return this.#closed;
  }

  #hasPending(): boolean {
    return this.#pending !== null;
  }

  async #send(keepalive: boolean): Promise<void> {
    if (this.#closed || this.#inFlight || this.#pending === null) return;
    const draft = this.#pending;
    this.#pending = null;
    this.#inFlight = true;
    this.#o.onState('saving', this.#savedAt, null);
    try {
      this.#savedAt = await this.#o.save(draft, keepalive);
      this.#failures = 0;
    } catch (error) {
      if (this.#stopped()) return;
      // The newest draft wins: a failed one is retried only if nothing newer came meanwhile.
      this.#pending ??= draft;
      this.#inFlight = false;
      this.#o.onState('error', this.#savedAt, error);
      if (this.#o.refused(error)) {
        this.#pending = null;
        return;
      }
      this.#failures += 1;
      this.#schedule(Math.min(this.#o.retryMs * 2 ** (this.#failures - 1), MAX_RETRY_MS));
      return;
    } finally {
      this.#inFlight = false;
    }
    if (this.#stopped()) return;
    if (this.#hasPending()) {
      this.#o.onState('pending', this.#savedAt, null);
      if (this.#timer === null) await this.#send(false);
    } else {
      this.#o.onState('saved', this.#savedAt, null);
    }
  }
}
