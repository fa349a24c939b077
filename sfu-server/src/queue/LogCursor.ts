import type { Storage, StoredQueueEvent } from '../storage/Storage.js';

type LogStore = Pick<Storage, 'listQueueEventsBetween'>;

/** Rows read from the log at a time. */
const READ_BATCH = 500;

/** What the cursor asks of the queue service that owns it. */
export interface LogCursorHost {
  /** Folds one stored event into its department's state; `own` when this process stored it. */
  fold(row: StoredQueueEvent, own: boolean, now: number): void;
  /** A department's state changed (metrics to recompute). */
  changed(departmentId: string): void;
}

/**
 * Where this process is in the shared event log. Every event — this process's
 * and those of other processes on the same database — is folded from the log
 * in its order, once, so each process arrives at the same state.
 */
export class LogCursor {
  readonly #storage: LogStore;
  readonly #host: LogCursorHost;
  /** The log's head when the state was rebuilt: where a department first seen later starts. */
  readonly head: number;
  /** The last stored event folded, per department. */
  readonly #cursor = new Map<string, number>();
  /** Every stored event up to this sequence is folded (another process's may lie after it). */
  #seen: number;
  /** Events this process stored and has not folded yet (they say `own` when they are). */
  readonly #own = new Set<number>();

  constructor(options: { storage: LogStore; host: LogCursorHost; head: number }) {
    this.#storage = options.storage;
    this.#host = options.host;
    this.head = options.head;
    this.#seen = options.head;
  }

  /** A department rebuilt from the log up to the head. */
  rebuilt(departmentId: string): void {
    this.#cursor.set(departmentId, this.head);
  }

  /** An event this process has stored (folded later, as its own). */
  stored(seq: number): void {
    this.#own.add(seq);
  }

  /**
   * Folds what this process has just stored, in log order with whatever other processes stored
   * before it. The group's sequences are a range no other writer holds (the change feed's lock was
   * held), so only the rows between the last one this process folded and the group can be another
   * process's: one read for every department, none when the group directly follows.
   */
  async foldStored(stored: StoredQueueEvent[], now: number): Promise<void> {
    stored.sort((a, b) => a.seq - b.seq);
    const first = stored[0];
    const last = stored.at(-1);
    if (!first || !last) return;
    const dirty = new Set<string>();
    if (first.seq > this.#seen + 1) await this.#readThrough(first.seq - 1, now, dirty);
    for (const row of stored) if (this.#fold(row, now)) dirty.add(row.event.departmentId);
    this.#seen = Math.max(this.#seen, last.seq);
    for (const departmentId of dirty) this.#host.changed(departmentId);
  }

  /** Folds every row stored after the last one folded (another process stored events). */
  async catchUp(now: number): Promise<void> {
    const dirty = new Set<string>();
    await this.#readThrough(Number.MAX_SAFE_INTEGER, now, dirty);
    for (const departmentId of dirty) this.#host.changed(departmentId);
  }

  /**
   * Reads and folds the log after the folded prefix, through `through`. A row seen committed means
   * every row before it is (the change feed's lock orders commits), so the prefix moves to the last
   * row read.
   */
  async #readThrough(through: number, now: number, dirty: Set<string>): Promise<void> {
    for (;;) {
      const read = await this.#storage.listQueueEventsBetween(this.#seen, through, READ_BATCH);
      for (const row of read) if (this.#fold(row, now)) dirty.add(row.event.departmentId);
      this.#seen = Math.max(this.#seen, read.at(-1)?.seq ?? 0);
      if (read.length < READ_BATCH) return;
    }
  }

  /** Folds one stored event once, whichever way it came; false if it was folded before. */
  #fold(row: StoredQueueEvent, now: number): boolean {
    const { departmentId } = row.event;
    if (row.seq <= (this.#cursor.get(departmentId) ?? this.head)) return false;
    this.#cursor.set(departmentId, row.seq);
    this.#host.fold(row, this.#own.delete(row.seq), now);
    return true;
  }
}
