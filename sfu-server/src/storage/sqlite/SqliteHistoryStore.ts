import type BetterSqlite3 from 'better-sqlite3';
import { DailyAggregateSchema, HistoryPointSchema, type HistoryPoint } from '@counterwatch/shared';
import type { DailyAggregate } from '../Storage.js';
import { json } from '../rows/jsonColumn.js';

type Db = BetterSqlite3.Database;

/** Metrics history samples and daily aggregates on SQLite (the PostgreSQL twin: PgHistoryStore). */
export class SqliteHistoryStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async insertHistoryPoints(rows: { departmentId: string; point: HistoryPoint }[]): Promise<void> {
    const insert = this.#db.prepare(
      'INSERT OR REPLACE INTO metrics_history (department_id, at, point) VALUES (?, ?, ?)',
    );
    this.#db.transaction(() => {
      for (const r of rows) insert.run(r.departmentId, r.point.at, JSON.stringify(r.point));
    })();
  }

  async listHistory(departmentId: string, from: number, to: number): Promise<HistoryPoint[]> {
    return this.#db
      .prepare<[string, number, number], { point: string }>(
        'SELECT point FROM metrics_history WHERE department_id = ? AND at >= ? AND at <= ? ORDER BY at',
      )
      .all(departmentId, from, to)
      .map((r) => json(HistoryPointSchema, r.point, 'metrics_history.point'));
  }

  async deleteHistoryBefore(at: number): Promise<number> {
    return this.#db.prepare('DELETE FROM metrics_history WHERE at < ?').run(at).changes;
  }

  async saveDailyAggregate(departmentId: string, aggregate: DailyAggregate): Promise<void> {
    this.#db
      .prepare('INSERT OR REPLACE INTO daily_aggregates (department_id, day, aggregate) VALUES (?, ?, ?)')
      .run(departmentId, aggregate.day, JSON.stringify(aggregate));
  }

  async listDailyAggregates(departmentId: string, fromDay: string, toDay: string): Promise<DailyAggregate[]> {
    return this.#db
      .prepare<[string, string, string], { aggregate: string }>(
        'SELECT aggregate FROM daily_aggregates WHERE department_id = ? AND day >= ? AND day <= ? ORDER BY day',
      )
      .all(departmentId, fromDay, toDay)
      .map((r) => json(DailyAggregateSchema, r.aggregate, 'daily_aggregates.aggregate'));
  }
}
