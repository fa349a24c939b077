import { z } from 'zod';
import { CampaignSchema, type Campaign } from '@counterwatch/shared';

/** A campaign row as both backends store it, and its campaign. */
export interface CampaignRow {
  id: number;
  name: string;
  department_ids: string;
  service_code: string | null;
  from_day: string;
  to_day: string;
  uplift_percent: number;
  created_at: number;
  created_by: string;
}

export function campaignFromRow(row: CampaignRow): Campaign {
  return CampaignSchema.parse({
    id: row.id,
    name: row.name,
    departmentIds: z.array(z.string()).parse(JSON.parse(row.department_ids)),
    serviceCode: row.service_code,
    from: row.from_day,
    to: row.to_day,
    upliftPercent: row.uplift_percent,
    createdAt: row.created_at,
    createdBy: row.created_by,
  });
}
