import type BetterSqlite3 from 'better-sqlite3';
import type { Campaign, CampaignInput } from '@counterwatch/shared';
import type { CampaignStore } from '../Storage.js';
import { campaignFromRow, type CampaignRow } from '../rows/campaignRows.js';

type Db = BetterSqlite3.Database;

export class SqliteCampaignStore implements CampaignStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async list(): Promise<Campaign[]> {
    return this.#db
      .prepare<[], CampaignRow>('SELECT * FROM staffing_campaigns ORDER BY from_day, id')
      .all()
      .map(campaignFromRow);
  }

  async get(id: number): Promise<Campaign | undefined> {
    const row = this.#db
      .prepare<[number], CampaignRow>('SELECT * FROM staffing_campaigns WHERE id = ?')
      .get(id);
    return row ? campaignFromRow(row) : undefined;
  }

  async create(input: CampaignInput, at: number, by: string, max: number): Promise<Campaign | 'limit'> {
    return this.#db
      .transaction((): Campaign | 'limit' => {
        const { n } = this.#db
          .prepare<[], { n: number }>('SELECT count(*) AS n FROM staffing_campaigns')
          .get() ?? { n: 0 };
        if (n >= max) return 'limit';
        const result = this.#db
          .prepare(
            `INSERT INTO staffing_campaigns
               (name, department_ids, service_code, from_day, to_day, uplift_percent, created_at, created_by)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            input.name,
            JSON.stringify(input.departmentIds),
            input.serviceCode,
            input.from,
            input.to,
            input.upliftPercent,
            at,
            by,
          );
        return {
          id: Number(result.lastInsertRowid),
          name: input.name,
          departmentIds: input.departmentIds,
          serviceCode: input.serviceCode,
          from: input.from,
          to: input.to,
          upliftPercent: input.upliftPercent,
          createdAt: at,
          createdBy: by,
        };
      })
      .immediate();
  }

  async delete(id: number): Promise<boolean> {
    return this.#db.prepare('DELETE FROM staffing_campaigns WHERE id = ?').run(id).changes > 0;
  }
}
