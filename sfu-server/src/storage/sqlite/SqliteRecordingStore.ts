import type BetterSqlite3 from 'better-sqlite3';
import type { RecordingStore, SegmentRecord } from '../Storage.js';

type Db = BetterSqlite3.Database;

interface SegmentRow {
  id: number;
  counter_id: string;
  department_id: string;
  path: string;
  started_at: number;
  ended_at: number;
  bytes: number;
  container: string;
  node: string;
}

const segment = (r: SegmentRow): SegmentRecord => ({
  id: r.id,
  counterId: r.counter_id,
  departmentId: r.department_id,
  path: r.path,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  bytes: r.bytes,
  container: r.container,
  node: r.node,
});

/** Recording segments on SQLite (the PostgreSQL twin: PgRecordingStore). */
export class SqliteRecordingStore implements RecordingStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async insertSegment(s: Omit<SegmentRecord, 'id'>): Promise<SegmentRecord> {
    const result = this.#db
      .prepare(
        `INSERT INTO segments (counter_id, department_id, path, started_at, ended_at, bytes, container, node)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(s.counterId, s.departmentId, s.path, s.startedAt, s.endedAt, s.bytes, s.container, s.node);
    return { ...s, id: Number(result.lastInsertRowid) };
  }

  async getSegment(id: number): Promise<SegmentRecord | undefined> {
    const row = this.#db.prepare<[number], SegmentRow>('SELECT * FROM segments WHERE id = ?').get(id);
    return row && segment(row);
  }

  async segmentsOverlapping(counterId: string, from: number, to: number): Promise<SegmentRecord[]> {
    return this.#db
      .prepare<[string, number, number], SegmentRow>(
        'SELECT * FROM segments WHERE counter_id = ? AND ended_at > ? AND started_at < ? ORDER BY started_at',
      )
      .all(counterId, from, to)
      .map(segment);
  }

  async oldestSegments(
    node: string,
    limit: number,
    after?: { startedAt: number; id: number },
  ): Promise<SegmentRecord[]> {
    const rows = after
      ? this.#db
          .prepare<[string, number, number, number, number], SegmentRow>(
            'SELECT * FROM segments WHERE node = ? AND (started_at > ? OR (started_at = ? AND id > ?)) ORDER BY started_at, id LIMIT ?',
          )
          .all(node, after.startedAt, after.startedAt, after.id, limit)
      : this.#db
          .prepare<[string, number], SegmentRow>(
            'SELECT * FROM segments WHERE node = ? ORDER BY started_at, id LIMIT ?',
          )
          .all(node, limit);
    return rows.map(segment);
  }

  async deleteSegment(id: number): Promise<void> {
    this.#db.prepare('DELETE FROM segments WHERE id = ?').run(id);
  }

  async totalBytes(node: string): Promise<number> {
    return (
      this.#db
        .prepare<[string], { total: number | null }>(
          'SELECT sum(bytes) AS total FROM segments WHERE node = ?',
        )
        .get(node)?.total ?? 0
    );
  }

  async lastSegmentEnd(counterId: string): Promise<number | null> {
    return (
      this.#db
        .prepare<[string], { end: number | null }>(
          'SELECT max(ended_at) AS end FROM segments WHERE counter_id = ?',
        )
        .get(counterId)?.end ?? null
    );
  }
}
