import type BetterSqlite3 from 'better-sqlite3';
import { QueueEventSchema, type QueueEvent } from '@counterwatch/shared';
import type { EventInsertResult, StoredQueueEvent } from '../Storage.js';
import { json } from '../rows/jsonColumn.js';

type Db = BetterSqlite3.Database;

/** The queue event log on SQLite (the PostgreSQL twin: PgQueueEventStore). */
export class SqliteQueueEventStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * The batch in one transaction: each event inserted in order (`ON CONFLICT DO NOTHING` makes a
   * replay a no-op), and one not inserted told apart (replay, id clash, sequence clash) right after it.
   */
  async insertQueueEvents(
    events: { event: QueueEvent; receivedAt: number; correctedAt: number }[],
  ): Promise<EventInsertResult[]> {
    const insert = this.#db.prepare(
      `INSERT INTO queue_events (id, department_id, counter_id, ticket_id, type, occurred_at, received_at, source_id, source_seq, body, corrected_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO NOTHING`,
    );
    const byId = this.#db.prepare<[string], { department_id: string; source_id: string }>(
      'SELECT department_id, source_id FROM queue_events WHERE id = ?',
    );
    const bySourceSeq = this.#db.prepare<[string, string, number], { id: string }>(
      'SELECT id FROM queue_events WHERE department_id = ? AND source_id = ? AND source_seq = ?',
    );
    return this.#db.transaction(() =>
      events.map(({ event, receivedAt, correctedAt }): EventInsertResult => {
        const result = insert.run(
          event.id,
          event.departmentId,
          'counterId' in event ? (event.counterId ?? null) : null,
          'ticketId' in event ? event.ticketId : null,
          event.type,
          event.occurredAt,
          receivedAt,
          event.source.id,
          event.source.seq,
          JSON.stringify(event),
          correctedAt,
        );
        if (result.changes === 1) return { status: 'inserted', seq: Number(result.lastInsertRowid) };
        // Ids are unique per source within a department; the same id elsewhere is a clash, not a replay.
        const holder = byId.get(event.id);
        if (holder) {
          if (holder.department_id === event.departmentId && holder.source_id === event.source.id)
            return { status: 'duplicate' };
          return {
            status: 'id_conflict',
            sameDepartment: holder.department_id === event.departmentId,
            existingSourceId: holder.source_id,
          };
        }
        const existing = bySourceSeq.get(event.departmentId, event.source.id, event.source.seq);
        if (existing) return { status: 'seq_conflict', existingId: existing.id };
        throw new Error('queue event neither inserted nor conflicting');
      }),
    )();
  }

  async listQueueEvents(departmentId: string, since: number): Promise<StoredQueueEvent[]> {
    return this.#db
      .prepare<[string, number], EventRow>(
        'SELECT seq, body, received_at, corrected_at FROM queue_events WHERE department_id = ? AND received_at >= ? ORDER BY seq',
      )
      .all(departmentId, since)
      .map(storedEvent);
  }

  async listQueueEventsBetween(
    afterSeq: number,
    throughSeq: number,
    limit: number,
  ): Promise<StoredQueueEvent[]> {
    return this.#db
      .prepare<[number, number, number], EventRow>(
        'SELECT seq, body, received_at, corrected_at FROM queue_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
      )
      .all(afterSeq, throughSeq, limit)
      .map(storedEvent);
  }

  async queueEventsHead(): Promise<number> {
    return (
      this.#db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM queue_events').get()?.seq ?? 0
    );
  }

  async listTicketEvents(departmentId: string, ticketId: string): Promise<StoredQueueEvent[]> {
    return this.#db
      .prepare<[string, string], EventRow>(
        'SELECT seq, body, received_at, corrected_at FROM queue_events WHERE department_id = ? AND ticket_id = ? ORDER BY seq',
      )
      .all(departmentId, ticketId)
      .map(storedEvent);
  }

  async nextSourceSeq(departmentId: string, sourceId: string): Promise<number> {
    const row = this.#db
      .prepare<[string, string], { max: number | null }>(
        'SELECT max(source_seq) AS max FROM queue_events WHERE department_id = ? AND source_id = ?',
      )
      .get(departmentId, sourceId);
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
  // Rows from before corrected times were stored keep their source time.
  return { seq: r.seq, event, receivedAt: r.received_at, correctedAt: r.corrected_at ?? event.occurredAt };
}
