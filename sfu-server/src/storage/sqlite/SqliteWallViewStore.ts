import type BetterSqlite3 from 'better-sqlite3';
import { z } from 'zod';
import {
  WallLayoutSchema,
  WallSortSchema,
  WallViewSchema,
  type WallView,
  type WallViewBody,
} from '@counterwatch/shared';
import type { WallViewStore } from '../Storage.js';

type Db = BetterSqlite3.Database;

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

export class SqliteWallViewStore implements WallViewStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async list(userId: number): Promise<WallView[]> {
    return this.#db
      .prepare<[number], Row>('SELECT * FROM wall_views WHERE user_id = ? ORDER BY name, id')
      .all(userId)
      .map(fromRow);
  }

  async create(
    userId: number,
    view: WallViewBody,
    at: number,
    max: number,
  ): Promise<WallView | 'limit' | 'name_taken'> {
    // One transaction: the count and the insert cannot interleave with another request's.
    return this.#db
      .transaction((): WallView | 'limit' | 'name_taken' => {
        const { n } = this.#db
          .prepare<[number], { n: number }>('SELECT count(*) AS n FROM wall_views WHERE user_id = ?')
          .get(userId) ?? { n: 0 };
        if (n >= max) return 'limit';
        const taken = this.#db
          .prepare<[number, string], { id: number }>(
            'SELECT id FROM wall_views WHERE user_id = ? AND name = ?',
          )
          .get(userId, view.name);
        if (taken) return 'name_taken';
        const result = this.#db
          .prepare(
            'INSERT INTO wall_views (user_id, name, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(userId, view.name, bodyOf(view), at, at);
        return { ...view, id: Number(result.lastInsertRowid), createdAt: at, updatedAt: at };
      })
      .immediate();
  }

  async update(
    userId: number,
    id: number,
    view: WallViewBody,
    at: number,
  ): Promise<WallView | 'not_found' | 'name_taken'> {
    return this.#db
      .transaction((): WallView | 'not_found' | 'name_taken' => {
        const row = this.#db
          .prepare<[number, number], Row>('SELECT * FROM wall_views WHERE id = ? AND user_id = ?')
          .get(id, userId);
        if (!row) return 'not_found';
        const taken = this.#db
          .prepare<[number, string, number], { id: number }>(
            'SELECT id FROM wall_views WHERE user_id = ? AND name = ? AND id != ?',
          )
          .get(userId, view.name, id);
        if (taken) return 'name_taken';
        this.#db
          .prepare('UPDATE wall_views SET name = ?, body = ?, updated_at = ? WHERE id = ? AND user_id = ?')
          .run(view.name, bodyOf(view), at, id, userId);
        return { ...view, id, createdAt: row.created_at, updatedAt: at };
      })
      .immediate();
  }

  async remove(userId: number, id: number): Promise<boolean> {
    return (
      this.#db.prepare('DELETE FROM wall_views WHERE id = ? AND user_id = ?').run(id, userId).changes > 0
    );
  }
}
