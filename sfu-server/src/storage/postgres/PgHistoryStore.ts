import { DailyAggregateSchema, HistoryPointSchema, type HistoryPoint } from '@counterwatch/shared';
import type { DailyAggregate } from '../Storage.js';
import { json } from '../rows/jsonColumn.js';
import type { PgDb } from './PgDb.js';

/** Metrics history samples and daily aggregates on PostgreSQL. */
export class PgHistoryStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async insertHistoryPoints(rows: { departmentId: string; point: HistoryPoint }[]): Promise<void> {
    if (rows.length === 0) return;
    await this.#db.run(
      `INSERT INTO metrics_history (department_id, at, point)
       SELECT DISTINCT ON (department_id, at) department_id, at, point
       FROM unnest(?::text[], ?::bigint[], ?::text[]) WITH ORDINALITY AS r(department_id, at, point, ord)
       ORDER BY department_id, at, ord DESC
       ON CONFLICT (department_id, at) DO UPDATE SET point = excluded.point`,
      [
        rows.map((r) => r.departmentId),
        rows.map((r) => r.point.at),
        rows.map((r) => JSON.stringify(r.point)),
      ],
    );
  }

  async listHistory(departmentId: string, from: number, to: number): Promise<HistoryPoint[]> {
    return (
      await this.#db.all<{ point: string }>(
        'SELECT point FROM metrics_history WHERE department_id = ? AND at >= ? AND at <= ? ORDER BY at',
        [departmentId, from, to],
      )
    ).map((r) => json(HistoryPointSchema, r.point, 'metrics_history.point'));
  }

  async deleteHistoryBefore(at: number): Promise<number> {
    return this.#db.run('DELETE FROM metrics_history WHERE at < ?', [at]);
  }

  async saveDailyAggregate(departmentId: string, aggregate: DailyAggregate): Promise<void> {
    await this.#db.run(
      `INSERT INTO daily_aggregates (department_id, day, aggregate) VALUES (?, ?, ?)
       ON CONFLICT (department_id, day) DO UPDATE SET aggregate = excluded.aggregate`,
      [departmentId, aggregate.day, JSON.stringify(aggregate)],
    );
  }

  async listDailyAggregates(departmentId: string, fromDay: string, toDay: string): Promise<DailyAggregate[]> {
    return (
      await this.#db.all<{ aggregate: string }>(
        'SELECT aggregate FROM daily_aggregates WHERE department_id = ? AND day >= ? AND day <= ? ORDER BY day',
        [departmentId, fromDay, toDay],
      )
    ).map((r) => json(DailyAggregateSchema, r.aggregate, 'daily_aggregates.aggregate'));
  }
}
