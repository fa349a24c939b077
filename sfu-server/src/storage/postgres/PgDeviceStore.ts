import { DeviceKindSchema } from '@counterwatch/shared';
import type { DeviceRecord, DeviceStore } from '../Storage.js';
import type { PgDb } from './PgDb.js';

interface DeviceRow {
  id: string;
  department_id: string;
  kind: string;
  counter_id: string | null;
  name: string;
  created_at: number;
  created_by: string;
  code_hash: string | null;
  code_expires_at: number | null;
  token_hash: string | null;
  enrolled_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
  revoked_by: string | null;
}

const device = (r: DeviceRow): DeviceRecord => ({
  id: r.id,
  departmentId: r.department_id,
  kind: DeviceKindSchema.parse(r.kind),
  counterId: r.counter_id,
  name: r.name,
  createdAt: r.created_at,
  createdBy: r.created_by,
  codeHash: r.code_hash,
  codeExpiresAt: r.code_expires_at,
  tokenHash: r.token_hash,
  enrolledAt: r.enrolled_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
  revokedBy: r.revoked_by,
});

/** Department devices and their credentials (hashes only). */
export class PgDeviceStore implements DeviceStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async create(
    r: Omit<DeviceRecord, 'tokenHash' | 'enrolledAt' | 'lastUsedAt' | 'revokedAt' | 'revokedBy'>,
  ): Promise<DeviceRecord> {
    const row = await this.#db.get<DeviceRow>(
      `INSERT INTO devices (id, department_id, kind, counter_id, name, created_at, created_by, code_hash, code_expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
      [
        r.id,
        r.departmentId,
        r.kind,
        r.counterId,
        r.name,
        r.createdAt,
        r.createdBy,
        r.codeHash,
        r.codeExpiresAt,
      ],
    );
    if (!row) throw new Error('device insert returned nothing');
    return device(row);
  }

  async get(id: string): Promise<DeviceRecord | undefined> {
    const row = await this.#db.get<DeviceRow>('SELECT * FROM devices WHERE id = ?', [id]);
    return row && device(row);
  }

  async list(): Promise<DeviceRecord[]> {
    return (
      await this.#db.all<DeviceRow>(
        'SELECT * FROM devices ORDER BY department_id, kind, counter_id NULLS FIRST, created_at',
      )
    ).map(device);
  }

  async byTokenHash(tokenHash: string): Promise<DeviceRecord | undefined> {
    const row = await this.#db.get<DeviceRow>('SELECT * FROM devices WHERE token_hash = ?', [tokenHash]);
    return row && device(row);
  }

  async byCodeHash(codeHash: string): Promise<DeviceRecord | undefined> {
    const row = await this.#db.get<DeviceRow>('SELECT * FROM devices WHERE code_hash = ?', [codeHash]);
    return row && device(row);
  }

  async setCode(id: string, codeHash: string, expiresAt: number): Promise<boolean> {
    return (
      (await this.#db.run(
        'UPDATE devices SET code_hash = ?, code_expires_at = ? WHERE id = ? AND revoked_at IS NULL',
        [codeHash, expiresAt, id],
      )) === 1
    );
  }

  async enrol(codeHash: string, tokenHash: string, now: number): Promise<DeviceRecord | undefined> {
    // One statement: two pages racing with the same code cannot both win (the second sees the code gone).
    const row = await this.#db.get<DeviceRow>(
      `UPDATE devices SET token_hash = ?, enrolled_at = ?, last_used_at = ?, code_hash = NULL, code_expires_at = NULL
       WHERE code_hash = ? AND code_expires_at > ? AND revoked_at IS NULL
       RETURNING *`,
      [tokenHash, now, now, codeHash, now],
    );
    return row && device(row);
  }

  async revoke(id: string, at: number, by: string): Promise<boolean> {
    return (
      (await this.#db.run(
        `UPDATE devices SET revoked_at = ?, revoked_by = ?, code_hash = NULL, code_expires_at = NULL
         WHERE id = ? AND revoked_at IS NULL`,
        [at, by, id],
      )) === 1
    );
  }

  async touch(id: string, at: number): Promise<void> {
    await this.#db.run('UPDATE devices SET last_used_at = ? WHERE id = ?', [at, id]);
  }
}
