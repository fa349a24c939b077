import { z } from 'zod';
import { CounterIdSchema, DisplayNameSchema, EpochMsSchema } from '../domain/ids.js';

/**
 * A user's saved wall views (REST `/api/v1/wall-views`): which counters, in
 * which layout and order. Each user sees and changes only their own.
 */

/** 'auto' fills the screen with every tile; '2'…'8' an N×N grid with pages; 'size' the tile-size flow. */
export const WallLayoutSchema = z.enum(['auto', '2', '3', '4', '5', '6', '7', '8', 'size']);
export type WallLayout = z.infer<typeof WallLayoutSchema>;
export const WALL_LAYOUTS = WallLayoutSchema.options;

/** 'department': by department, then name; 'worst': alerts, then queue pressure, first. */
export const WallSortSchema = z.enum(['department', 'worst']);
export type WallSort = z.infer<typeof WallSortSchema>;
export const WALL_SORTS = WallSortSchema.options;

/** A user keeps at most this many views. */
export const MAX_WALL_VIEWS = 50;

export const WallViewBodySchema = z
  .object({
    name: DisplayNameSchema,
    layout: WallLayoutSchema,
    sort: WallSortSchema,
    /** The counters shown, in this order; null = every counter the user may watch. */
    counterIds: z
      .array(CounterIdSchema)
      .min(1)
      .max(500)
      .refine((ids) => new Set(ids).size === ids.length, 'a counter is listed twice')
      .nullable(),
  })
  .strict();
export type WallViewBody = z.infer<typeof WallViewBodySchema>;

export const WallViewSchema = WallViewBodySchema.extend({
  id: z.number().int().positive(),
  createdAt: EpochMsSchema,
  updatedAt: EpochMsSchema,
});
export type WallView = z.infer<typeof WallViewSchema>;

export const WallViewListSchema = z.object({ views: z.array(WallViewSchema) });
export const WallViewResponseSchema = z.object({ view: WallViewSchema });
