import { QueueEventSchema, type Clock, type QueueEvent } from '@counterwatch/shared';
import type { EventInsertResult, StoredQueueEvent } from '../Storage.js';
import { json } from '../rows/jsonColumn.js';
import { matchInOrder } from './matchInOrder.js';
import type { PgChangeFeed } from './PgChangeFeed.js';
import type { PgDb } from './PgDb.js';

/** The queue event log on PostgreSQL. */
export class PgQueueEventStore {
  readonly #db: PgDb;
  readonly #now: Clock;
  readonly #changes: PgChangeFeed;

  constructor(db: PgDb, now: Clock, changes: PgChangeFeed) {
    this.#db = db;
    this.#now = now;
    this.#changes = changes;
  }

  /**
   * One autocommit statement inserts the whole batch (the JSON array's elements joined to the time
   * arrays in batch order, so `seq` follows it; `ON CONFLICT DO NOTHING` makes a replayed batch a
   * no-op). Its first CTE (`feed_lock AS MATERIALIZED`) takes the change feed's advisory lock, held
   * until the statement commits, before any row gets a sequence number; the feed's row and NOTIFY for
   * the batch are written by the same statement, only if a row was inserted. Rows not inserted are
   * told apart afterwards (replay, id clash, sequence clash) by queries of their own, run after that
   * statement committed and not in a transaction with it.
   */
  async insertQueueEvents(
    events: { event: QueueEvent; receivedAt: number; correctedAt: number }[],
  ): Promise<EventInsertResult[]> {
    if (events.length === 0) return [];
    // The events go as one JSON array: each element's text is stored as it is, and the indexed columns
    // are read out of it by the database. Text arrays would escape every character of every id on
    // this side, the most of this statement's client time; the validated events hold each value once.
    const bodies = JSON.stringify(events.map((e) => e.event));
    const received = events.map((e) => e.receivedAt);
    const corrected = events.map((e) => e.correctedAt);
    // One statement, committed on its own: it takes the change feed's lock before a row gets its
    // sequence number (sequence order must be commit order: the other processes read "after the
    // last one I saw"), inserts, appends the feed's row for the group and notifies. The lock is held
    // only while the database runs it, never across a round trip to this busy process.
    const inserted = await this.#db.all<{ seq: number; id: string }>(
      `WITH feed_lock AS MATERIALIZED (${this.#changes.lockStatement()}),
       ins AS (
         INSERT INTO queue_events (id, department_id, counter_id, ticket_id, type, occurred_at, received_at,
           source_id, source_seq, body, corrected_at)
         SELECT r.id, r."departmentId", r."counterId", r."ticketId", r.type, r."occurredAt", t.received_at,
           r.source->>'id', (r.source->>'seq')::bigint, e::text, t.corrected_at
         FROM json_array_elements(?::json) WITH ORDINALITY AS j(e, ord)
         -- Each body parsed once for all its columns (->> on json scans the text again for every key).
         CROSS JOIN LATERAL json_to_record(e) AS r(id text, "departmentId" text, "counterId" text, "ticketId" text,
           type text, "occurredAt" bigint, source json)
         JOIN unnest(?::bigint[], ?::bigint[]) WITH ORDINALITY AS t(received_at, corrected_at, ord) USING (ord)
         CROSS JOIN feed_lock
         ORDER BY ord
         ON CONFLICT DO NOTHING
         RETURNING seq, id
       ),
       change AS (
         INSERT INTO changes (at, kind, subject) SELECT ?, 'queue', ? WHERE EXISTS (SELECT 1 FROM ins)
         RETURNING ${this.#changes.notifyStatement('queue')}
       )
       SELECT seq, id FROM ins`,
      [bodies, received, corrected, this.#now(), this.#changes.origin],
    );
    // Rows are inserted in the batch's order; an event not inserted (a duplicate, a clash) leaves no
    // row. Matched by id alone: ids are unique in the log, so of two entries with one id only the
    // first can have been inserted. Anything else is looked into below.
    const rows = matchInOrder(events, inserted, {
      order: (r) => r.seq,
      item: (e) => e.event.id,
      row: (r) => r.id,
    });
    const results: EventInsertResult[] = [];
    for (const [i, { event }] of events.entries()) {
      const row = rows[i];
      results.push(row ? { status: 'inserted', seq: row.seq } : await this.#conflict(event));
    }
    return results;
  }

  /** Why an event was not inserted. Ids are unique per source within a department; elsewhere they clash. */
  async #conflict(event: QueueEvent): Promise<EventInsertResult> {
    const holder = await this.#db.get<{ department_id: string; source_id: string }>(
      'SELECT department_id, source_id FROM queue_events WHERE id = ?',
      [event.id],
    );
    if (holder) {
      if (holder.department_id === event.departmentId && holder.source_id === event.source.id)
        return { status: 'duplicate' };
      return {
        status: 'id_conflict',
        sameDepartment: holder.department_id === event.departmentId,
        existingSourceId: holder.source_id,
      };
    }
    const existing = await this.#db.get<{ id: string }>(
      'SELECT id FROM queue_events WHERE department_id = ? AND source_id = ? AND source_seq = ?',
      [event.departmentId, event.source.id, event.source.seq],
    );
    if (existing) return { status: 'seq_conflict', existingId: existing.id };
    throw new Error('queue event neither inserted nor conflicting');
  }

  async listQueueEvents(departmentId: string, since: number): Promise<StoredQueueEvent[]> {
    return (
      await this.#db.all<EventRow>(
        'SELECT seq, body, received_at, corrected_at FROM queue_events WHERE department_id = ? AND received_at >= ? ORDER BY seq',
        [departmentId, since],
      )
    ).map(storedEvent);
  }

  async listQueueEventsBetween(
    afterSeq: number,
    throughSeq: number,
    limit: number,
  ): Promise<StoredQueueEvent[]> {
    return (
      await this.#db.all<EventRow>(
        'SELECT seq, body, received_at, corrected_at FROM queue_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
        [afterSeq, throughSeq, limit],
      )
    ).map(storedEvent);
  }

  async queueEventsHead(): Promise<number> {
    return (await this.#db.get<{ seq: number | null }>('SELECT max(seq) AS seq FROM queue_events'))?.seq ?? 0;
  }

  async listTicketEvents(departmentId: string, ticketId: string): Promise<StoredQueueEvent[]> {
    return (
      await this.#db.all<EventRow>(
        'SELECT seq, body, received_at, corrected_at FROM queue_events WHERE department_id = ? AND ticket_id = ? ORDER BY seq',
        [departmentId, ticketId],
      )
    ).map(storedEvent);
  }

  async nextSourceSeq(departmentId: string, sourceId: string): Promise<number> {
    const row = await this.#db.get<{ max: number | null }>(
      'SELECT max(source_seq) AS max FROM queue_events WHERE department_id = ? AND source_id = ?',
      [departmentId, sourceId],
    );
    return (row?.max ?? 0) + 1;
  }
}

interface EventRow {
  seq: number;
  body: string;
  received_at: number;
  corrected_at: number | null;
}

function storedEvent(r: EventRow): StoredQueueEvent {
  const event = json(QueueEventSchema, r.body, 'queue_events.body');
  return { seq: r.seq, event, receivedAt: r.received_at, correctedAt: r.corrected_at ?? event.occurredAt };
}
