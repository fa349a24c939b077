import type { OfficerRecord, OfficerStore, ShiftRecord } from '../Storage.js';
import type { Param, PgDb } from './PgDb.js';

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
  id: number;
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

const SHIFT = `SELECT s.id, s.counter_id, s.officer_id, o.display_name, o.badge_number, s.device_id, s.signed_in_at
  FROM officer_shifts s JOIN officers o ON o.id = s.officer_id`;

export class PgOfficerStore implements OfficerStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async create(r: Omit<OfficerRecord, 'id' | 'disabledAt'>): Promise<OfficerRecord> {
    const row = await this.#db.get<{ id: number }>(
      `INSERT INTO officers (department_id, display_name, badge_number, pin_hash, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
      [r.departmentId, r.displayName, r.badgeNumber, r.pinHash, r.createdAt, r.createdBy],
    );
    if (!row) throw new Error('officer insert returned no id');
    return { ...r, id: row.id, disabledAt: null };
  }

  async get(id: number): Promise<OfficerRecord | undefined> {
    const row = await this.#db.get<OfficerRow>('SELECT * FROM officers WHERE id = ?', [id]);
    return row && officer(row);
  }

  async byBadge(departmentId: string, badgeNumber: string): Promise<OfficerRecord | undefined> {
    const row = await this.#db.get<OfficerRow>(
      'SELECT * FROM officers WHERE department_id = ? AND badge_number = ?',
      [departmentId, badgeNumber],
    );
    return row && officer(row);
  }

  async list(departmentIds: string[] | null): Promise<OfficerRecord[]> {
    if (departmentIds === null)
      return (
        await this.#db.all<OfficerRow>('SELECT * FROM officers ORDER BY department_id, display_name')
      ).map(officer);
    if (departmentIds.length === 0) return [];
    return (
      await this.#db.all<OfficerRow>(
        'SELECT * FROM officers WHERE department_id = ANY(?::text[]) ORDER BY department_id, display_name',
        [departmentIds],
      )
    ).map(officer);
  }

  async update(
    id: number,
    patch: Partial<Pick<OfficerRecord, 'displayName' | 'pinHash' | 'disabledAt'>>,
  ): Promise<void> {
    const sets: string[] = [];
    const params: Param[] = [];
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
    await this.#db.run(`UPDATE officers SET ${sets.join(', ')} WHERE id = ?`, [...params, id]);
  }

  async signIn(counterId: string, officerId: number, deviceId: string, at: number): Promise<void> {
    await this.#db.tx(async (sql) => {
      await sql.run(
        `UPDATE officer_shifts SET signed_out_at = ?
         WHERE signed_out_at IS NULL AND (counter_id = ? OR officer_id = ?)`,
        [at, counterId, officerId],
      );
      await sql.run(
        'INSERT INTO officer_shifts (counter_id, officer_id, device_id, signed_in_at) VALUES (?, ?, ?, ?)',
        [counterId, officerId, deviceId, at],
      );
    });
  }

  async signOut(counterId: string, at: number): Promise<ShiftRecord | undefined> {
    return this.#close('s.counter_id = ?', counterId, at);
  }

  async signOutOfficer(officerId: number, at: number): Promise<ShiftRecord | undefined> {
    return this.#close('s.officer_id = ?', officerId, at);
  }

  async #close(where: string, key: string | number, at: number): Promise<ShiftRecord | undefined> {
    return this.#db.tx(async (sql) => {
      const open = await sql.get<ShiftRow>(
        `${SHIFT} WHERE ${where} AND s.signed_out_at IS NULL FOR UPDATE OF s`,
        [key],
      );
      if (!open) return undefined;
      await sql.run('UPDATE officer_shifts SET signed_out_at = ? WHERE id = ?', [at, open.id]);
      return shift(open);
    });
  }

  async onDuty(): Promise<ShiftRecord[]> {
    return (await this.#db.all<ShiftRow>(`${SHIFT} WHERE s.signed_out_at IS NULL ORDER BY s.id`)).map(shift);
  }

  async onDutyAt(counterId: string, at: number): Promise<ShiftRecord | undefined> {
    const row = await this.#db.get<ShiftRow>(
      `${SHIFT} WHERE s.counter_id = ? AND s.signed_in_at <= ? AND (s.signed_out_at IS NULL OR s.signed_out_at > ?)
       ORDER BY s.signed_in_at DESC LIMIT 1`,
      [counterId, at, at],
    );
    return row && shift(row);
  }

  /** One statement for them all: a batch of served tickets asks for many. */
  async onDutyAtMany(
    queries: readonly { counterId: string; at: number }[],
  ): Promise<(ShiftRecord | undefined)[]> {
    if (queries.length === 0) return [];
    const rows = await this.#db.all<ShiftRow & { ord: number }>(
      `SELECT q.ord, s.* FROM unnest(?::text[], ?::bigint[]) WITH ORDINALITY AS q(counter_id, at, ord)
       CROSS JOIN LATERAL (
         ${SHIFT} WHERE s.counter_id = q.counter_id AND s.signed_in_at <= q.at
           AND (s.signed_out_at IS NULL OR s.signed_out_at > q.at)
         ORDER BY s.signed_in_at DESC LIMIT 1
       ) s`,
      [queries.map((q) => q.counterId), queries.map((q) => q.at)],
    );
    const byOrd = new Map(rows.map((row) => [row.ord, row]));
    return queries.map((_, i) => {
      const row = byOrd.get(i + 1);
      return row && shift(row);
    });
  }
}
