import type { MediaNodeRow, NodeStore } from '../Storage.js';
import type { PgDb } from './PgDb.js';

const NODE_COLUMNS = `name, url, capacity, load, draining, started_at AS "startedAt", heartbeat_at AS "heartbeatAt"`;

/** Media nodes and placements on PostgreSQL (the SQLite twin: SqliteNodeStore). */
export class PgNodeStore implements NodeStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async heartbeat(
    node: Pick<MediaNodeRow, 'name' | 'url' | 'capacity' | 'load' | 'startedAt'>,
    at: number,
  ): Promise<{ draining: boolean }> {
    const row = await this.#db.get<{ draining: boolean }>(
      `INSERT INTO media_nodes (name, url, capacity, load, draining, started_at, heartbeat_at)
       VALUES (?, ?, ?, ?, FALSE, ?, ?)
       ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, capacity = EXCLUDED.capacity,
         load = EXCLUDED.load, started_at = EXCLUDED.started_at, heartbeat_at = EXCLUDED.heartbeat_at
       RETURNING draining`,
      [node.name, node.url, node.capacity, node.load, node.startedAt, at],
    );
    return { draining: row?.draining ?? false };
  }

  async remove(name: string): Promise<void> {
    await this.#db.run('DELETE FROM media_nodes WHERE name = ?', [name]);
  }

  list(): Promise<MediaNodeRow[]> {
    return this.#db.all<MediaNodeRow>(`SELECT ${NODE_COLUMNS} FROM media_nodes ORDER BY name`);
  }

  async setDraining(name: string, draining: boolean): Promise<boolean> {
    return (await this.#db.run('UPDATE media_nodes SET draining = ? WHERE name = ?', [draining, name])) > 0;
  }

  prune(before: number): Promise<number> {
    return this.#db.run('DELETE FROM media_nodes WHERE heartbeat_at < ?', [before]);
  }

  placements(): Promise<{ counterId: string; node: string }[]> {
    return this.#db.all<{ counterId: string; node: string }>(
      'SELECT counter_id AS "counterId", node FROM counter_placements ORDER BY counter_id',
    );
  }

  async placement(counterId: string): Promise<string | undefined> {
    const row = await this.#db.get<{ node: string }>(
      'SELECT node FROM counter_placements WHERE counter_id = ?',
      [counterId],
    );
    return row?.node;
  }

  async place(counterId: string, node: string, expected: string | null, at: number): Promise<boolean> {
    if (expected === null) {
      return (
        (await this.#db.run(
          `INSERT INTO counter_placements (counter_id, node, placed_at) VALUES (?, ?, ?)
           ON CONFLICT (counter_id) DO NOTHING`,
          [counterId, node, at],
        )) > 0
      );
    }
    return (
      (await this.#db.run(
        'UPDATE counter_placements SET node = ?, placed_at = ? WHERE counter_id = ? AND node = ?',
        [node, at, counterId, expected],
      )) > 0
    );
  }
}
