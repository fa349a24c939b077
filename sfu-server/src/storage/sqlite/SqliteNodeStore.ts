import type BetterSqlite3 from 'better-sqlite3';
import type { MediaNodeRow, NodeStore } from '../Storage.js';

type Db = BetterSqlite3.Database;
type NodeRecord = Omit<MediaNodeRow, 'draining'> & { draining: number };

const NODE_COLUMNS = `name, url, capacity, load, draining, started_at AS startedAt, heartbeat_at AS heartbeatAt`;

/**
 * Media nodes and placements on SQLite (the PostgreSQL twin: PgNodeStore). One SQLite file serves
 * one process, so this is the single-host case; it keeps the contract so both backends behave alike.
 */
export class SqliteNodeStore implements NodeStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async heartbeat(
    node: Pick<MediaNodeRow, 'name' | 'url' | 'capacity' | 'load' | 'startedAt'>,
    at: number,
  ): Promise<{ draining: boolean }> {
    const row = this.#db
      .prepare<[string, string, number, number, number, number], { draining: number }>(
        `INSERT INTO media_nodes (name, url, capacity, load, draining, started_at, heartbeat_at)
         VALUES (?, ?, ?, ?, 0, ?, ?)
         ON CONFLICT (name) DO UPDATE SET url = excluded.url, capacity = excluded.capacity,
           load = excluded.load, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at
         RETURNING draining`,
      )
      .get(node.name, node.url, node.capacity, node.load, node.startedAt, at);
    return { draining: row?.draining === 1 };
  }

  async remove(name: string): Promise<void> {
    this.#db.prepare('DELETE FROM media_nodes WHERE name = ?').run(name);
  }

  async list(): Promise<MediaNodeRow[]> {
    return this.#db
      .prepare<[], NodeRecord>(`SELECT ${NODE_COLUMNS} FROM media_nodes ORDER BY name`)
      .all()
      .map((r) => ({ ...r, draining: r.draining === 1 }));
  }

  async setDraining(name: string, draining: boolean): Promise<boolean> {
    return (
      this.#db.prepare('UPDATE media_nodes SET draining = ? WHERE name = ?').run(draining ? 1 : 0, name)
        .changes > 0
    );
  }

  async prune(before: number): Promise<number> {
    return this.#db.prepare('DELETE FROM media_nodes WHERE heartbeat_at < ?').run(before).changes;
  }

  async placements(): Promise<{ counterId: string; node: string }[]> {
    return this.#db
      .prepare<[], { counterId: string; node: string }>(
        'SELECT counter_id AS counterId, node FROM counter_placements ORDER BY counter_id',
      )
      .all();
  }

  async placement(counterId: string): Promise<string | undefined> {
    return this.#db
      .prepare<[string], { node: string }>('SELECT node FROM counter_placements WHERE counter_id = ?')
      .get(counterId)?.node;
  }

  async place(counterId: string, node: string, expected: string | null, at: number): Promise<boolean> {
    const result =
      expected === null
        ? this.#db
            .prepare(
              `INSERT INTO counter_placements (counter_id, node, placed_at) VALUES (?, ?, ?)
               ON CONFLICT (counter_id) DO NOTHING`,
            )
            .run(counterId, node, at)
        : this.#db
            .prepare(
              'UPDATE counter_placements SET node = ?, placed_at = ? WHERE counter_id = ? AND node = ?',
            )
            .run(node, at, counterId, expected);
    return result.changes > 0;
  }
}
