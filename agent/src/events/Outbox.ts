import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '@counterwatch/shared';

/** An event waiting to be delivered, as stored (already validated when it came in). */
export interface OutboxItem {
  seq: number;
  eventId: string;
  body: unknown;
}

export class OutboxFullError extends Error {
  constructor(readonly capacity: number) {
    super(`outbox is full (${capacity} events waiting); refusing new events until the server takes some`);
    this.name = 'OutboxFullError';
  }
}

const CountRow = z.object({ n: z.number() });
const ItemRow = z.object({ seq: z.number(), event_id: z.string(), body: z.string() });

/**
 * A durable on-disk queue of events for the server: SQLite in WAL mode with
 * synchronous=FULL, so an event acknowledged to the queue system survives a
 * power cut or `kill -9`. Bounded: when full it refuses new events loudly
 * rather than dropping anything. Events the server rejects move to a
 * dead-letter table, kept for inspection.
 */
export class Outbox {
  readonly capacity: number;
  readonly #db: BetterSqlite3.Database;
  readonly #now: Clock;
  #closed = false;

  constructor({ dir, capacity = 100_000, now }: { dir: string; capacity?: number; now: Clock }) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.capacity = capacity;
    this.#now = now;
    this.#db = new BetterSqlite3(path.join(dir, 'outbox.db'));
    this.#db.pragma('journal_mode = WAL');
    this.#db.pragma('synchronous = FULL');
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS outbox (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id   TEXT NOT NULL UNIQUE,
        body       TEXT NOT NULL,
        queued_at  INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS dead_letters (
        event_id    TEXT PRIMARY KEY,
        body        TEXT NOT NULL,
        reason      TEXT NOT NULL,
        rejected_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    `);
  }

  get pending(): number {
    return CountRow.parse(this.#db.prepare('SELECT count(*) AS n FROM outbox').get()).n;
  }

  get deadLetters(): number {
    return CountRow.parse(this.#db.prepare('SELECT count(*) AS n FROM dead_letters').get()).n;
  }

  get full(): boolean {
    return this.pending >= this.capacity;
  }

  /**
   * Stores events atomically; returns which were new and which were already
   * queued (a queue system retrying its own post). Throws OutboxFullError
   * and stores nothing if they do not all fit.
   */
  enqueue(events: { id: string; body: unknown }[]): { queued: string[]; duplicate: string[] } {
    const insert = this.#db.prepare(
      'INSERT OR IGNORE INTO outbox (event_id, body, queued_at) VALUES (?, ?, ?)',
    );
    return this.#db.transaction(() => {
      if (this.pending + events.length > this.capacity) throw new OutboxFullError(this.capacity);
      const queued: string[] = [];
      const duplicate: string[] = [];
      const now = this.#now();
      for (const e of events) {
        const result = insert.run(e.id, JSON.stringify(e.body), now);
        (result.changes === 1 ? queued : duplicate).push(e.id);
      }
      return { queued, duplicate };
    })();
  }

  /** The oldest `limit` events, in arrival order. */
  peek(limit: number): OutboxItem[] {
    return this.#db
      .prepare('SELECT seq, event_id, body FROM outbox ORDER BY seq LIMIT ?')
      .all(limit)
      .map((row) => {
        const r = ItemRow.parse(row);
        const body: unknown = JSON.parse(r.body);
        return { seq: r.seq, eventId: r.event_id, body };
      });
  }

  /** The server stored (or already had) these: forget them. */
  acknowledge(eventIds: string[]): void {
    const del = this.#db.prepare('DELETE FROM outbox WHERE event_id = ?');
    this.#db.transaction(() => {
      for (const id of eventIds) del.run(id);
    })();
  }

  /** The server refused these for good: keep them aside with the reason. */
  deadLetter(items: { eventId: string; reason: string }[]): void {
    const select = this.#db.prepare('SELECT body FROM outbox WHERE event_id = ?');
    const insert = this.#db.prepare(
      'INSERT OR REPLACE INTO dead_letters (event_id, body, reason, rejected_at) VALUES (?, ?, ?, ?)',
    );
    const del = this.#db.prepare('DELETE FROM outbox WHERE event_id = ?');
    this.#db.transaction(() => {
      for (const item of items) {
        const row = z.object({ body: z.string() }).optional().parse(select.get(item.eventId));
        if (!row) continue;
        insert.run(item.eventId, row.body, item.reason, this.#now());
        del.run(item.eventId);
      }
    })();
  }

  getMeta(key: string): string | undefined {
    return z
      .object({ value: z.string() })
      .optional()
      .parse(this.#db.prepare('SELECT value FROM meta WHERE key = ?').get(key))?.value;
  }

  setMeta(key: string, value: string): void {
    this.#db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }
}
