import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Clock } from '@counterwatch/shared';
import type { Logger } from '../../logger.js';
import type { Change, ChangeFeed, ChangeKind, ChangeSubscription, FeedSubscription } from '../Storage.js';
import { literal, type PgDb, type TxSql } from './PgDb.js';

const KEEP_MS = 7 * 24 * 3_600_000;
const BATCH = 500;
const CHANNEL = 'counterwatch_changes';
/** Serialises writers of the feed, so `seq` order is commit order and a follower never skips a row. */
const CHANGES_LOCK = 0x63770001;
/** The writer lease (session advisory lock, held on the LISTEN connection). */
// Advisory lock keys in use: 0x63770000 migrations, …01 this feed, …02 audit appends, …03 this lease.
const LEADER_LOCK = 0x63770003;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

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
  readonly origin = randomUUID();
  readonly #db: PgDb;
  readonly #logger: Logger;
  readonly #now: Clock;
  readonly #pollMs: number;
  readonly #followers = new Set<Follower>();
  #listener: pg.PoolClient | undefined;
  #listening: Promise<void> | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #leadTimer: ReturnType<typeof setInterval> | undefined;
  #leading = false;
  readonly #leadershipListeners = new Set<(leading: boolean) => void>();
  #closed = false;

  constructor(db: PgDb, options: { logger: Logger; now: Clock; pollMs?: number }) {
    this.#db = db;
    this.#logger = options.logger;
    this.#now = options.now;
    this.#pollMs = options.pollMs ?? 2_000;
  }

  /** A query that takes the feed's lock, for a statement that commits on its own (a CTE). */
  lockStatement(): string {
    return `SELECT pg_advisory_xact_lock(${literal(CHANGES_LOCK)})`;
  }

  /** The expression that tells the followers a change of `kind` is committed. */
  notifyStatement(kind: ChangeKind): string {
    return `pg_notify(${literal(CHANNEL)}, ${literal(kind)})`;
  }

  /**
   * Appends one change per subject, and notifies, with the commit of the transaction that makes them
   * (one round trip): the feed's lock is taken there too, so it is held only while the database
   * commits, never while this process is busy elsewhere. The lock is re-entrant within a
   * transaction: one that records several times takes it more than once, harmlessly.
   */
  recordAtCommit(sql: TxSql, kind: ChangeKind, subjects: readonly (string | number)[]): void {
    if (subjects.length === 0) return;
    sql.atCommit(this.lockStatement());
    sql.atCommit(
      `INSERT INTO changes (at, kind, subject)
       SELECT ${literal(this.#now())}, ${literal(kind)}, unnest(ARRAY[${subjects.map((s) => literal(String(s))).join(', ')}]::text[])`,
    );
    sql.atCommit(`SELECT ${this.notifyStatement(kind)}`);
  }

  async prune(): Promise<void> {
    await this.#db.run('DELETE FROM changes WHERE at < ?', [this.#now() - KEEP_MS]);
  }

  /**
   * Opens the LISTEN connection (the first attempt must succeed: a server that
   * cannot reach its database does not start). A connection lost later (the
   * database restarted, a network cut) is re-opened with capped backoff, and
   * every follower then reads what it missed from the table.
   */
  async start(): Promise<void> {
    this.#listening ??= this.#connect().then(() => {
      // A process that is not the writer takes over when the writer goes.
      this.#leadTimer = setInterval(() => void this.#tryLead(), this.#pollMs);
      this.#leadTimer.unref();
    });
    await this.#listening;
  }

  /** The LISTEN connection is up (cleared when it fails or ends, until it is re-established). */
  listening(): boolean {
    return this.#listener !== undefined;
  }

  /** Whether this process holds the writer lease (see `leads`). */
  leads(): boolean {
    return this.#leading;
  }

  /** Calls `listener` when this process gains or loses the writer lease. */
  onLeadership(listener: (leading: boolean) => void): ChangeSubscription {
    this.#leadershipListeners.add(listener);
    return { close: () => this.#leadershipListeners.delete(listener) };
  }

  async #connect(): Promise<void> {
    const client = await this.#db.pool.connect();
    let lost = false;
    const onLost = (error?: Error): void => {
      if (lost) return;
      lost = true;
      if (this.#listener === client) this.#listener = undefined;
      this.#setLeading(false);
      if (this.#closed) return;
      this.#logger.warn({ err: error }, 'change feed connection lost; reconnecting');
      client.release(true);
      this.#reconnect(0);
    };
    client.on('notification', () => this.#wakeAll());
    client.on('error', (error) => onLost(error));
    client.on('end', () => onLost());
    try {
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      lost = true;
      client.release(true);
      throw error;
    }
    this.#listener = client;
    await this.#tryLead();
  }

  #reconnect(attempt: number): void {
    if (this.#closed) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** attempt);
    this.#reconnectTimer = setTimeout(() => {
      this.#reconnectTimer = undefined;
      this.#connect().then(
        () => {
          this.#logger.info({ attempt: attempt + 1 }, 'change feed connection re-established');
          // Whatever was committed while no one listened is in the table: read it now.
          this.#wakeAll();
        },
        (error: unknown) => {
          this.#logger.warn({ err: error, attempt: attempt + 1 }, 'change feed reconnect failed');
          this.#reconnect(attempt + 1);
        },
      );
    }, delay);
    this.#reconnectTimer.unref();
  }

  /**
   * The writer lease: a session advisory lock on the LISTEN connection. One
   * process at a time holds it (the one that writes what every process would
   * otherwise write twice: alerts, history samples); when that process dies
   * or its connection drops, PostgreSQL releases the lock and another takes
   * it at its next poll.
   */
  async #tryLead(): Promise<void> {
    const client = this.#listener;
    if (!client || this.#leading || this.#closed) return;
    try {
      const row = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        LEADER_LOCK,
      ]);
      if (row.rows[0]?.locked === true && this.#listener === client) this.#setLeading(true);
    } catch (error) {
      this.#logger.warn({ err: error }, 'writer lease not checked');
    }
  }

  #setLeading(leading: boolean): void {
    if (this.#leading === leading) return;
    this.#leading = leading;
    this.#logger.info({ leading }, leading ? 'writer lease taken' : 'writer lease lost');
    for (const listener of this.#leadershipListeners) {
      try {
        listener(leading);
      } catch (error) {
        this.#logger.error({ err: error }, 'leadership listener failed');
      }
    }
  }

  #wakeAll(): void {
    for (const follower of this.#followers) follower.wake();
  }

  follow(listener: (changes: Change[]) => void): FeedSubscription {
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
    clearTimeout(this.#reconnectTimer);
    clearInterval(this.#leadTimer);
    for (const follower of [...this.#followers]) follower.close();
    await this.#listening?.catch(() => undefined);
    if (this.#listener) {
      try {
        await this.#listener.query(`UNLISTEN ${CHANNEL}`);
        if (this.#leading) await this.#listener.query('SELECT pg_advisory_unlock($1)', [LEADER_LOCK]);
      } catch {
        // The connection is going anyway.
      }
      this.#listener.release(true);
    }
  }
}

class Follower implements FeedSubscription {
  readonly ready: Promise<void>;
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
    // Changes committed after the head is read (`ready`): it is read first, every read waits for it.
    this.#running = options.head.then(
      (seq) => {
        this.#lastSeq ??= seq;
      },
      (error: unknown) => {
        options.logger.warn({ err: error }, 'change feed head unreadable');
        this.#lastSeq ??= 0;
      },
    );
    this.ready = this.#running;
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
