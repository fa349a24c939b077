import { AlertThresholdsSchema, type AlertQuery, type AlertThresholds } from '@counterwatch/shared';
import type { AlertPart, NewAlert, StoredAlert } from '../Storage.js';
import { alertFromRow, type AlertRow } from '../rows/alertRows.js';
import { json } from '../rows/jsonColumn.js';
import { insertAlerts, updateAlerts } from './pgAlertWrites.js';
import type { PgChangeFeed } from './PgChangeFeed.js';
import type { Param, PgDb } from './PgDb.js';

/** Alerts and their thresholds on PostgreSQL. */
export class PgAlertStore {
  readonly #db: PgDb;
  readonly #changes: PgChangeFeed;

  constructor(db: PgDb, changes: PgChangeFeed) {
    this.#db = db;
    this.#changes = changes;
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
    if (inserts.length === 0 && updates.length === 0) return [];
    return this.#db.tx(async (sql) => {
      const stored = await insertAlerts(sql, inserts);
      const changed = new Set<string>();
      for (const alert of stored) if (alert) changed.add(String(alert.id));
      for (const id of await updateAlerts(sql, updates)) changed.add(String(id));
      // Every process mirrors alerts: one change row per alert, with this transaction's commit.
      this.#changes.recordAtCommit(sql, 'alert', [...changed]);
      return stored;
    });
  }

  async getAlert(id: number): Promise<StoredAlert | undefined> {
    const row = await this.#db.get<AlertRow>('SELECT * FROM alerts WHERE id = ?', [id]);
    return row && alertFromRow(row);
  }

  async getAlerts(ids: readonly number[]): Promise<StoredAlert[]> {
    if (ids.length === 0) return [];
    const rows = await this.#db.all<AlertRow>('SELECT * FROM alerts WHERE id = ANY(?::bigint[])', [ids]);
    return rows.map(alertFromRow);
  }

  async listAlerts(query: AlertQuery & { departmentIds?: string[] | null }): Promise<StoredAlert[]> {
    const where: string[] = [];
    const params: Param[] = [];
    const add = (clause: string, value: Param | undefined): void => {
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
      add('department_id = ANY(?::text[])', query.departmentIds);
    }
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at DESC, id DESC LIMIT ?`;
    return (await this.#db.all<AlertRow>(sql, [...params, query.limit])).map(alertFromRow);
  }

  async listActiveAlerts(): Promise<StoredAlert[]> {
    return (await this.#db.all<AlertRow>("SELECT * FROM alerts WHERE state <> 'resolved' ORDER BY id")).map(
      alertFromRow,
    );
  }

  async getThresholds(departmentId: string): Promise<AlertThresholds | undefined> {
    const row = await this.#db.get<{ thresholds: string }>(
      'SELECT thresholds FROM alert_thresholds WHERE department_id = ?',
      [departmentId],
    );
    return row && json(AlertThresholdsSchema, row.thresholds, 'alert_thresholds.thresholds');
  }

  async setThresholds(departmentId: string, thresholds: AlertThresholds): Promise<void> {
    await this.#db.tx(async (sql) => {
      await sql.run(
        `INSERT INTO alert_thresholds (department_id, thresholds) VALUES (?, ?)
         ON CONFLICT (department_id) DO UPDATE SET thresholds = excluded.thresholds`,
        [departmentId, JSON.stringify(thresholds)],
      );
      this.#changes.recordAtCommit(sql, 'thresholds', [departmentId]);
    });
  }
}
