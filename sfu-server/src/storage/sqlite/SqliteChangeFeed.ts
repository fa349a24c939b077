import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { Clock } from '@counterwatch/shared';
import type { Logger } from '../../logger.js';
import type { Change, ChangeFeed, ChangeKind, ChangeSubscription, FeedSubscription } from '../Storage.js';

interface ChangeRow {
  seq: number;
  at: number;
  kind: ChangeKind;
  subject: string;
}

/** How long rows stay: a follower is never more than a poll behind, so a week is plenty. */
const KEEP_MS = 7 * 24 * 3_600_000;
const BATCH = 500;

/**
 * The change feed on SQLite. Writers append a row in the transaction of their
 * change (`record`). Followers poll `PRAGMA data_version` — it moves only when
 * another connection (the CLI) committed, so an idle poll costs next to
 * nothing — and read the rows after the last one they saw; this connection's
 * own changes wake them at once instead of waiting for a poll.
 */
export class SqliteChangeFeed implements ChangeFeed {
  readonly origin = randomUUID();
  readonly #db: BetterSqlite3.Database;
  readonly #logger: Logger;
  readonly #pollMs: number;
  readonly #now: Clock;
  #insert: BetterSqlite3.Statement<[number, string, string]> | undefined;
  #after: BetterSqlite3.Statement<[number, number], ChangeRow> | undefined;
  readonly #followers = new Set<Follower>();

  constructor(db: BetterSqlite3.Database, options: { logger: Logger; pollMs?: number; now: Clock }) {
    this.#db = db;
    this.#logger = options.logger;
    this.#pollMs = options.pollMs ?? 500;
    this.#now = options.now;
  }

  /** Prepares the statements, once the schema has the table. */
  prepare(): void {
    this.#insert = this.#db.prepare('INSERT INTO changes (at, kind, subject) VALUES (?, ?, ?)');
    this.#after = this.#db.prepare(
      'SELECT seq, at, kind, subject FROM changes WHERE seq > ? ORDER BY seq LIMIT ?',
    );
  }

  /** Appends a change; call inside the transaction that makes it. */
  record(kind: ChangeKind, subject: string | number): void {
    if (!this.#insert) throw new Error('change feed used before the schema was migrated');
    this.#insert.run(this.#now(), kind, String(subject));
    // After the current (synchronous) transaction has committed.
    for (const follower of this.#followers) follower.wake();
  }

  prune(): void {
    this.#db.prepare('DELETE FROM changes WHERE at < ?').run(this.#now() - KEEP_MS);
  }

  listening(): null {
    return null;
  }

  follow(listener: (changes: Change[]) => void): FeedSubscription {
    const after = this.#after;
    if (!after) throw new Error('change feed used before the schema was migrated');
    const head = this.#db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM changes').get();
    const follower = new Follower({
      lastSeq: head?.seq ?? 0,
      pollMs: this.#pollMs,
      dataVersion: () => this.#db.pragma('data_version', { simple: true }) as number,
      read: (seq) => after.all(seq, BATCH),
      listener,
      logger: this.#logger,
      onClose: (f) => this.#followers.delete(f),
    });
    this.#followers.add(follower);
    return follower;
  }

  /** One server process per SQLite file: it is always the writer. */
  leads(): boolean {
    return true;
  }

  onLeadership(_listener: (leading: boolean) => void): ChangeSubscription {
    return { close: () => undefined };
  }

  close(): void {
    for (const follower of [...this.#followers]) follower.close();
  }
}

class Follower implements FeedSubscription {
  /** The head was read synchronously, in follow(). */
  readonly ready = Promise.resolve();
  #lastSeq: number;
  #dataVersion: number | undefined;
  readonly #options: {
    dataVersion: () => number;
    read: (after: number) => ChangeRow[];
    listener: (changes: Change[]) => void;
    logger: Logger;
    onClose: (f: Follower) => void;
  };
  readonly #timer: ReturnType<typeof setInterval>;
  #woken = false;
  #closed = false;

  constructor(options: {
    lastSeq: number;
    pollMs: number;
    dataVersion: () => number;
    read: (after: number) => ChangeRow[];
    listener: (changes: Change[]) => void;
    logger: Logger;
    onClose: (f: Follower) => void;
  }) {
    this.#lastSeq = options.lastSeq;
    this.#options = options;
    this.#dataVersion = options.dataVersion();
    this.#timer = setInterval(() => this.#poll(false), options.pollMs);
    this.#timer.unref();
  }

  wake(): void {
    if (this.#woken || this.#closed) return;
    this.#woken = true;
    setImmediate(() => {
      this.#woken = false;
      this.#poll(true);
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#options.onClose(this);
  }

  #poll(local: boolean): void {
    if (this.#closed) return;
    try {
      const version = this.#options.dataVersion();
      if (!local && version === this.#dataVersion) return;
      this.#dataVersion = version;
      for (;;) {
        const rows = this.#options.read(this.#lastSeq);
        const last = rows.at(-1);
        if (!last) return;
        this.#lastSeq = last.seq;
        try {
          this.#options.listener(rows);
        } catch (error) {
          this.#options.logger.error({ err: error }, 'change listener failed');
        }
        if (rows.length < BATCH) return;
      }
    } catch (error) {
      // A busy or closing database: the next poll tries again from the same row.
      this.#options.logger.warn({ err: error }, 'change feed poll failed');
    }
  }
}
