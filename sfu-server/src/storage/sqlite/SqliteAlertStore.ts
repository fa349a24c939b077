import type BetterSqlite3 from 'better-sqlite3';
import { AlertThresholdsSchema, type AlertQuery, type AlertThresholds } from '@counterwatch/shared';
import type { AlertPart, NewAlert, StoredAlert } from '../Storage.js';
import { alertFromRow, type AlertRow } from '../rows/alertRows.js';
import { json } from '../rows/jsonColumn.js';
import { alertInsert, alertUpdate } from './sqliteAlertWrites.js';

type Db = BetterSqlite3.Database;

/** Alerts and their thresholds on SQLite (the PostgreSQL twin: PgAlertStore). */
export class SqliteAlertStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async insertAlert(alert: NewAlert): Promise<StoredAlert> {
    const [stored] = await this.writeAlerts([alert], []);
    if (!stored) throw new Error(`an unresolved alert of condition ${alert.conditionKey} exists already`);
    return stored;
  }

  async updateAlert(alert: StoredAlert, part: AlertPart): Promise<void> {
    await this.writeAlerts([], [{ alert, part }]);
  }

  async writeAlerts(
    inserts: readonly NewAlert[],
    updates: readonly { alert: StoredAlert; part: AlertPart }[],
  ): Promise<(StoredAlert | null)[]> {
    return this.#db.transaction(() => {
      const stored = inserts.map((alert): StoredAlert | null => {
        const [sql, values] = alertInsert(alert);
        const result = this.#db.prepare(sql).run(...values);
        return result.changes > 0 ? { ...alert, id: Number(result.lastInsertRowid) } : null;
      });
      for (const { alert, part } of updates) {
        const [sql, values] = alertUpdate(alert, part);
        this.#db.prepare(sql).run(...values);
      }
      return stored;
    })();
  }

  async getAlert(id: number): Promise<StoredAlert | undefined> {
    const row = this.#db.prepare<[number], AlertRow>('SELECT * FROM alerts WHERE id = ?').get(id);
    return row && alertFromRow(row);
  }

  async getAlerts(ids: readonly number[]): Promise<StoredAlert[]> {
    if (ids.length === 0) return [];
    const rows = this.#db
      .prepare<[string], AlertRow>('SELECT * FROM alerts WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(ids));
    return rows.map(alertFromRow);
  }

  async listAlerts(query: AlertQuery & { departmentIds?: string[] | null }): Promise<StoredAlert[]> {
    // Only fixed fragments go into the SQL text; every value is a bound parameter.
    const where: string[] = [];
    const params: (string | number)[] = [];
    const add = (clause: string, value: string | number | undefined): void => {
      if (value === undefined) return;
      where.push(clause);
      params.push(value);
    };
    add('state = ?', query.state);
    add('department_id = ?', query.departmentId);
    add('counter_id = ?', query.counterId);
    add('severity = ?', query.severity);
    add('rule = ?', query.rule);
    add('opened_at >= ?', query.from);
    add('opened_at <= ?', query.to);
    if (query.departmentIds) {
      if (query.departmentIds.length === 0) return [];
      where.push(`department_id IN (${query.departmentIds.map(() => '?').join(', ')})`);
      params.push(...query.departmentIds);
    }
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT ?`;
    return this.#db
      .prepare<(string | number)[], AlertRow>(sql)
      .all(...params, query.limit)
      .map(alertFromRow);
  }

  async listActiveAlerts(): Promise<StoredAlert[]> {
    return this.#db
      .prepare<[], AlertRow>("SELECT * FROM alerts WHERE state != 'resolved' ORDER BY id")
      .all()
      .map(alertFromRow);
  }

  async getThresholds(departmentId: string): Promise<AlertThresholds | undefined> {
    const row = this.#db
      .prepare<[string], { thresholds: string }>(
        'SELECT thresholds FROM alert_thresholds WHERE department_id = ?',
      )
      .get(departmentId);
    return row && json(AlertThresholdsSchema, row.thresholds, 'alert_thresholds.thresholds');
  }

  async setThresholds(departmentId: string, thresholds: AlertThresholds): Promise<void> {
    this.#db
      .prepare('INSERT OR REPLACE INTO alert_thresholds (department_id, thresholds) VALUES (?, ?)')
      .run(departmentId, JSON.stringify(thresholds));
  }
}
