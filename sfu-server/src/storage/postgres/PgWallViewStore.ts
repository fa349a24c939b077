import { z } from 'zod';
import {
  WallLayoutSchema,
  WallSortSchema,
  WallViewSchema,
  type WallView,
  type WallViewBody,
} from '@counterwatch/shared';
import type { WallViewStore } from '../Storage.js';
import type { PgDb } from './PgDb.js';

interface Row {
  id: number;
  name: string;
  body: string;
  created_at: number;
  updated_at: number;
}

const BodySchema = z.object({
  layout: WallLayoutSchema,
  sort: WallSortSchema,
  counterIds: z.array(z.string()).nullable(),
});

function fromRow(row: Row): WallView {
  return WallViewSchema.parse({
    id: row.id,
    name: row.name,
    ...BodySchema.parse(JSON.parse(row.body)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

const bodyOf = (view: WallViewBody): string =>
  JSON.stringify({ layout: view.layout, sort: view.sort, counterIds: view.counterIds });

export class PgWallViewStore implements WallViewStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async list(userId: number): Promise<WallView[]> {
    return (
      await this.#db.all<Row>('SELECT * FROM wall_views WHERE user_id = ? ORDER BY name, id', [userId])
    ).map(fromRow);
  }

  async create(
    userId: number,
    view: WallViewBody,
    at: number,
    max: number,
  ): Promise<WallView | 'limit' | 'name_taken'> {
    return this.#db.tx(async (sql): Promise<WallView | 'limit' | 'name_taken'> => {
      // The user's row locked: two requests of one user (on any process) count and insert one after the other.
      await sql.run('SELECT id FROM users WHERE id = ? FOR UPDATE', [userId]);
      const { n } = (await sql.get<{ n: number }>('SELECT count(*) AS n FROM wall_views WHERE user_id = ?', [
        userId,
      ])) ?? { n: 0 };
      if (n >= max) return 'limit';
      const taken = await sql.get('SELECT id FROM wall_views WHERE user_id = ? AND name = ?', [
        userId,
        view.name,
      ]);
      if (taken) return 'name_taken';
      const row = await sql.get<{ id: number }>(
        'INSERT INTO wall_views (user_id, name, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?) RETURNING id',
        [userId, view.name, bodyOf(view), at, at],
      );
      if (!row) throw new Error('wall view insert returned no id');
      return { ...view, id: row.id, createdAt: at, updatedAt: at };
    });
  }

  async update(
    userId: number,
    id: number,
    view: WallViewBody,
    at: number,
  ): Promise<WallView | 'not_found' | 'name_taken'> {
    return this.#db.tx(async (sql): Promise<WallView | 'not_found' | 'name_taken'> => {
      await sql.run('SELECT id FROM users WHERE id = ? FOR UPDATE', [userId]);
      const row = await sql.get<Row>('SELECT * FROM wall_views WHERE id = ? AND user_id = ?', [id, userId]);
      if (!row) return 'not_found';
      const taken = await sql.get('SELECT id FROM wall_views WHERE user_id = ? AND name = ? AND id <> ?', [
        userId,
        view.name,
        id,
      ]);
      if (taken) return 'name_taken';
      await sql.run('UPDATE wall_views SET name = ?, body = ?, updated_at = ? WHERE id = ? AND user_id = ?', [
        view.name,
        bodyOf(view),
        at,
        id,
        userId,
      ]);
      return { ...view, id, createdAt: row.created_at, updatedAt: at };
    });
  }

  async remove(userId: number, id: number): Promise<boolean> {
    return (await this.#db.run('DELETE FROM wall_views WHERE id = ? AND user_id = ?', [id, userId])) > 0;
  }
}
