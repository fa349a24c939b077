import type pg from 'pg';
import type { Clock } from '@counterwatch/shared';
import type { Logger } from '../../logger.js';
import type { Change, ChangeFeed, ChangeKind, ChangeSubscription } from '../Storage.js';
import type { PgDb, Sql } from './PgDb.js';

const KEEP_MS = 7 * 24 * 3_600_000;
const BATCH = 500;
const CHANNEL = 'counterwatch_changes';
/** Serialises writers of the feed, so `seq` order is commit order and a follower never skips a row. */
const CHANGES_LOCK = 0x63770001;

interface ChangeRow {
  seq: number;
  at: number;
  kind: ChangeKind;
  subject: string;
}

/**
 * The change feed on PostgreSQL: writers append a row and `pg_notify` in the
 * transaction of their change (the notification is delivered on commit, to
 * every process); followers LISTEN on one dedicated connection and read the
 * rows after the last one they saw. A slow poll backs LISTEN up, so a
 * notification lost while the connection was re-established costs a delay,
 * never a change.
 */
export class PgChangeFeed implements ChangeFeed {
  readonly #db: PgDb;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #pollMs: number;
  readonly #followers = new Set<Follower>();
  #listener: pg.PoolClient | undefined;
  #listening: Promise<void> | undefined;
  /** The LISTEN connection is up (set once LISTEN succeeded, cleared when the connection fails or ends). */
  #listenerUp = false;
  #closed = false;

  constructor(db: PgDb, options: { logger: Logger; now: Clock; pollMs?: number }) {
    this.#db = db;
    this.#logger = options.logger;
    this.#now = options.now;
    this.#pollMs = options.pollMs ?? 2_000;
  }

  /** Appends a change; call inside the transaction that makes it. */
  async record(sql: Sql, kind: ChangeKind, subject: string | number): Promise<void> {
    await sql.run('SELECT pg_advisory_xact_lock(?)', [CHANGES_LOCK]);
    await sql.run('INSERT INTO changes (at, kind, subject) VALUES (?, ?, ?)', [
      this.#now(),
      kind,
      String(subject),
    ]);
    await sql.run('SELECT pg_notify(?, ?)', [CHANNEL, kind]);
  }

  async prune(): Promise<void> {
    await this.#db.run('DELETE FROM changes WHERE at < ?', [this.#now() - KEEP_MS]);
  }

  /** Opens the LISTEN connection (once). */
  async start(): Promise<void> {
    this.#listening ??= (async () => {
      const client = await this.#db.pool.connect();
      client.on('notification', () => this.#wakeAll());
      client.on('error', (error) => {
        this.#listenerUp = false;
        this.#logger.warn({ err: error }, 'change feed connection failed');
      });
      client.on('end', () => {
        this.#listenerUp = false;
      });
      await client.query(`LISTEN ${CHANNEL}`);
      this.#listener = client;
      this.#listenerUp = true;
    })();
    await this.#listening;
  }

  listening(): boolean {
    return this.#listenerUp;
  }

  #wakeAll(): void {
    for (const follower of this.#followers) follower.wake();
  }

  follow(listener: (changes: Change[]) => void): ChangeSubscription {
    const follower = new Follower({
      head: this.#db
        .get<{ seq: number | null }>('SELECT max(seq) AS seq FROM changes')
        .then((r) => r?.seq ?? 0),
      pollMs: this.#pollMs,
      read: (seq) =>
        this.#db.all<ChangeRow>(
          'SELECT seq, at, kind, subject FROM changes WHERE seq > ? ORDER BY seq LIMIT ?',
          [seq, BATCH],
        ),
      listener,
      logger: this.#logger,
      onClose: (f) => this.#followers.delete(f),
    });
    this.#followers.add(follower);
    return follower;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const follower of [...this.#followers]) follower.close();
    await this.#listening?.catch(() => undefined);
    if (this.#listener) {
      try {
        await this.#listener.query(`UNLISTEN ${CHANNEL}`);
      } catch {
        // The connection is going anyway.
      }
      this.#listener.release(true);
    }
  }
}

class Follower implements ChangeSubscription {
  #lastSeq: number | undefined;
  readonly #options: {
    read: (after: number) => Promise<ChangeRow[]>;
    listener: (changes: Change[]) => void;
    logger: Logger;
    onClose: (f: Follower) => void;
  };
  readonly #timer: ReturnType<typeof setInterval>;
  /** One read at a time; a wake during a read asks for another. */
  #running: Promise<void> = Promise.resolve();
  #again = false;
  #busy = false;
  #closed = false;

  constructor(options: {
    head: Promise<number>;
    pollMs: number;
    read: (after: number) => Promise<ChangeRow[]>;
    listener: (changes: Change[]) => void;
    logger: Logger;
    onClose: (f: Follower) => void;
  }) {
    this.#options = options;
    // Changes committed after follow() was called: the head is read first, every read waits for it.
    this.#running = options.head.then(
      (seq) => {
        this.#lastSeq ??= seq;
      },
      (error: unknown) => {
        options.logger.warn({ err: error }, 'change feed head unreadable');
        this.#lastSeq ??= 0;
      },
    );
    this.#timer = setInterval(() => this.wake(), options.pollMs);
    this.#timer.unref();
  }

  wake(): void {
    if (this.#closed) return;
    if (this.#busy) {
      this.#again = true;
      return;
    }
    this.#busy = true;
    this.#running = this.#running
      .then(() => this.#drain())
      .finally(() => {
        this.#busy = false;
        if (this.#again) {
          this.#again = false;
          this.wake();
        }
      });
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    this.#options.onClose(this);
  }

  async #drain(): Promise<void> {
    try {
      for (;;) {
        if (this.#closed) return;
        const rows = await this.#options.read(this.#lastSeq ?? 0);
        const last = rows.at(-1);
        // close() may have run while the read was awaited.
        if (!last || this.isClosed) return;
        this.#lastSeq = last.seq;
        try {
          this.#options.listener(rows);
        } catch (error) {
          this.#options.logger.error({ err: error }, 'change listener failed');
        }
        if (rows.length < BATCH) return;
      }
    } catch (error) {
      // A closing pool or a lost connection: the next wake reads again from the same row.
      if (!this.#closed) this.#options.logger.warn({ err: error }, 'change feed read failed');
    }
  }
}
