import type { Campaign, CampaignInput } from '@counterwatch/shared';
import type { CampaignStore } from '../Storage.js';
import { campaignFromRow, type CampaignRow } from '../rows/campaignRows.js';
import type { PgDb } from './PgDb.js';

/** The staffing advisor's declared campaigns on PostgreSQL (the SQLite twin: SqliteCampaignStore). */
export class PgCampaignStore implements CampaignStore {
  readonly #db: PgDb;

  constructor(db: PgDb) {
    this.#db = db;
  }

  async list(): Promise<Campaign[]> {
    return (await this.#db.all<CampaignRow>('SELECT * FROM staffing_campaigns ORDER BY from_day, id')).map(
      campaignFromRow,
    );
  }

  async get(id: number): Promise<Campaign | undefined> {
    const row = await this.#db.get<CampaignRow>('SELECT * FROM staffing_campaigns WHERE id = ?', [id]);
    return row ? campaignFromRow(row) : undefined;
  }

  async create(input: CampaignInput, at: number, by: string, max: number): Promise<Campaign | 'limit'> {
    return this.#db.tx(async (sql): Promise<Campaign | 'limit'> => {
      // Count and insert one request at a time, whichever process serves it: the limit holds under concurrency.
      await sql.run('LOCK TABLE staffing_campaigns IN SHARE ROW EXCLUSIVE MODE');
      const { n } = (await sql.get<{ n: number }>('SELECT count(*) AS n FROM staffing_campaigns')) ?? {
        n: 0,
      };
      if (n >= max) return 'limit';
      const row = await sql.get<{ id: number }>(
        `INSERT INTO staffing_campaigns
           (name, department_ids, service_code, from_day, to_day, uplift_percent, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [
          input.name,
          JSON.stringify(input.departmentIds),
          input.serviceCode,
          input.from,
          input.to,
          input.upliftPercent,
          at,
          by,
        ],
      );
      if (!row) throw new Error('campaign insert returned no id');
      return {
        id: row.id,
        name: input.name,
        departmentIds: input.departmentIds,
        serviceCode: input.serviceCode,
        from: input.from,
        to: input.to,
        upliftPercent: input.upliftPercent,
        createdAt: at,
        createdBy: by,
      };
    });
  }

  async delete(id: number): Promise<boolean> {
    return (await this.#db.run('DELETE FROM staffing_campaigns WHERE id = ?', [id])) > 0;
  }
}
