import type { RecordingStore, SegmentRecord } from '../Storage.js';
import type { PgDb } from './PgDb.js';

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

/** Recording segments on PostgreSQL. */
export class PgRecordingStore implements RecordingStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async insertSegment(s: Omit<SegmentRecord, 'id'>): Promise<SegmentRecord> {
    const row = await this.#db.get<{ id: number }>(
      `INSERT INTO segments (counter_id, department_id, path, started_at, ended_at, bytes, container, node)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
      [s.counterId, s.departmentId, s.path, s.startedAt, s.endedAt, s.bytes, s.container, s.node],
    );
    if (!row) throw new Error('segment insert returned no id');
    return { ...s, id: row.id };
  }

  async getSegment(id: number): Promise<SegmentRecord | undefined> {
    const row = await this.#db.get<SegmentRow>('SELECT * FROM segments WHERE id = ?', [id]);
    return row && segment(row);
  }

  async segmentsOverlapping(counterId: string, from: number, to: number): Promise<SegmentRecord[]> {
    return (
      await this.#db.all<SegmentRow>(
        'SELECT * FROM segments WHERE counter_id = ? AND ended_at > ? AND started_at < ? ORDER BY started_at',
        [counterId, from, to],
      )
    ).map(segment);
  }

  async oldestSegments(
    node: string,
    limit: number,
    after?: { startedAt: number; id: number },
  ): Promise<SegmentRecord[]> {
    const rows = after
      ? await this.#db.all<SegmentRow>(
          'SELECT * FROM segments WHERE node = ? AND (started_at, id) > (?, ?) ORDER BY started_at, id LIMIT ?',
          [node, after.startedAt, after.id, limit],
        )
      : await this.#db.all<SegmentRow>(
          'SELECT * FROM segments WHERE node = ? ORDER BY started_at, id LIMIT ?',
          [node, limit],
        );
    return rows.map(segment);
  }

  async deleteSegment(id: number): Promise<void> {
    await this.#db.run('DELETE FROM segments WHERE id = ?', [id]);
  }

  async totalBytes(node: string): Promise<number> {
    return (
      (
        await this.#db.get<{ total: number | null }>(
          'SELECT sum(bytes) AS total FROM segments WHERE node = ?',
          [node],
        )
      )?.total ?? 0
    );
  }

  async lastSegmentEnd(counterId: string): Promise<number | null> {
    return (
      (
        await this.#db.get<{ end: number | null }>(
          'SELECT max(ended_at) AS end FROM segments WHERE counter_id = ?',
          [counterId],
        )
      )?.end ?? null
    );
  }
}
