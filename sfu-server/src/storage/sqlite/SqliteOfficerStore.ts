import type BetterSqlite3 from 'better-sqlite3';
import type { OfficerRecord, OfficerStore, ShiftRecord } from '../Storage.js';

type Db = BetterSqlite3.Database;

interface OfficerRow {
  id: number;
  department_id: string;
  display_name: string;
  badge_number: string;
  pin_hash: string;
  disabled_at: number | null;
  created_at: number;
  created_by: string;
}

const officer = (r: OfficerRow): OfficerRecord => ({
  id: r.id,
  departmentId: r.department_id,
  displayName: r.display_name,
  badgeNumber: r.badge_number,
  pinHash: r.pin_hash,
  disabledAt: r.disabled_at,
  createdAt: r.created_at,
  createdBy: r.created_by,
});

interface ShiftRow {
  counter_id: string;
  officer_id: number;
  display_name: string;
  badge_number: string;
  device_id: string;
  signed_in_at: number;
}

const shift = (r: ShiftRow): ShiftRecord => ({
  counterId: r.counter_id,
  officer: { id: r.officer_id, displayName: r.display_name, badgeNumber: r.badge_number },
  deviceId: r.device_id,
  signedInAt: r.signed_in_at,
});

const SHIFT = `SELECT s.counter_id, s.officer_id, o.display_name, o.badge_number, s.device_id, s.signed_in_at
  FROM officer_shifts s JOIN officers o ON o.id = s.officer_id`;

export class SqliteOfficerStore implements OfficerStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(r: Omit<OfficerRecord, 'id' | 'disabledAt'>): Promise<OfficerRecord> {
    const result = this.#db
      .prepare(
        `INSERT INTO officers (department_id, display_name, badge_number, pin_hash, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(r.departmentId, r.displayName, r.badgeNumber, r.pinHash, r.createdAt, r.createdBy);
    return { ...r, id: Number(result.lastInsertRowid), disabledAt: null };
  }

  async get(id: number): Promise<OfficerRecord | undefined> {
    const row = this.#db.prepare<[number], OfficerRow>('SELECT * FROM officers WHERE id = ?').get(id);
    return row && officer(row);
  }

  async byBadge(departmentId: string, badgeNumber: string): Promise<OfficerRecord | undefined> {
    const row = this.#db
      .prepare<[string, string], OfficerRow>(
        'SELECT * FROM officers WHERE department_id = ? AND badge_number = ?',
      )
      .get(departmentId, badgeNumber);
    return row && officer(row);
  }

  async list(departmentIds: string[] | null): Promise<OfficerRecord[]> {
    if (departmentIds === null)
      return this.#db
        .prepare<[], OfficerRow>('SELECT * FROM officers ORDER BY department_id, display_name')
        .all()
        .map(officer);
    if (departmentIds.length === 0) return [];
    return this.#db
      .prepare<string[], OfficerRow>(
        `SELECT * FROM officers WHERE department_id IN (${departmentIds.map(() => '?').join(', ')})
         ORDER BY department_id, display_name`,
      )
      .all(...departmentIds)
      .map(officer);
  }

  async update(
    id: number,
    patch: Partial<Pick<OfficerRecord, 'displayName' | 'pinHash' | 'disabledAt'>>,
  ): Promise<void> {
    const sets: string[] = [];
    const params: (string | number | null)[] = [];
    if (patch.displayName !== undefined) {
      sets.push('display_name = ?');
      params.push(patch.displayName);
    }
    if (patch.pinHash !== undefined) {
      sets.push('pin_hash = ?');
      params.push(patch.pinHash);
    }
    if (patch.disabledAt !== undefined) {
      sets.push('disabled_at = ?');
      params.push(patch.disabledAt);
    }
    if (sets.length === 0) return;
    this.#db.prepare(`UPDATE officers SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
  }

  async signIn(counterId: string, officerId: number, deviceId: string, at: number): Promise<void> {
    this.#db.transaction(() => {
      this.#db
        .prepare(
          `UPDATE officer_shifts SET signed_out_at = ?
           WHERE signed_out_at IS NULL AND (counter_id = ? OR officer_id = ?)`,
        )
        .run(at, counterId, officerId);
      this.#db
        .prepare(
          `INSERT INTO officer_shifts (counter_id, officer_id, device_id, signed_in_at) VALUES (?, ?, ?, ?)`,
        )
        .run(counterId, officerId, deviceId, at);
    })();
  }

  async signOut(counterId: string, at: number): Promise<ShiftRecord | undefined> {
    return this.#close('s.counter_id = ?', counterId, at);
  }

  async signOutOfficer(officerId: number, at: number): Promise<ShiftRecord | undefined> {
    return this.#close('s.officer_id = ?', officerId, at);
  }

  #close(where: string, key: string | number, at: number): ShiftRecord | undefined {
    return this.#db.transaction(() => {
      const open = this.#db
        .prepare<[string | number], ShiftRow & { id: number }>(
          `${SHIFT.replace('SELECT ', 'SELECT s.id, ')} WHERE ${where} AND s.signed_out_at IS NULL`,
        )
        .get(key);
      if (!open) return undefined;
      this.#db.prepare('UPDATE officer_shifts SET signed_out_at = ? WHERE id = ?').run(at, open.id);
      return shift(open);
    })();
  }

  async onDuty(): Promise<ShiftRecord[]> {
    return this.#db.prepare<[], ShiftRow>(`${SHIFT} WHERE s.signed_out_at IS NULL`).all().map(shift);
  }

  async onDutyAt(counterId: string, at: number): Promise<ShiftRecord | undefined> {
    return (await this.onDutyAtMany([{ counterId, at }]))[0];
  }

  async onDutyAtMany(
    queries: readonly { counterId: string; at: number }[],
  ): Promise<(ShiftRecord | undefined)[]> {
    const find = this.#db.prepare<[string, number, number], ShiftRow>(
      `${SHIFT} WHERE s.counter_id = ? AND s.signed_in_at <= ? AND (s.signed_out_at IS NULL OR s.signed_out_at > ?)
       ORDER BY s.signed_in_at DESC LIMIT 1`,
    );
    return queries.map(({ counterId, at }) => {
      const row = find.get(counterId, at, at);
      return row && shift(row);
    });
  }
}
