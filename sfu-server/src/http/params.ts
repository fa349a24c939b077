import type { Request } from 'express';
import { z } from 'zod';
import { AppError } from '@counterwatch/shared';

/** A route parameter as one string (never an array); absent → 404 like an unknown object. */
export function param(req: Request, name: string): string {
  const value: unknown = req.params[name];
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new AppError('not_found', `no such ${name}`);
  }
  return value;
}

const PositiveId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A numeric id parameter; anything else is simply not found. */
export function numericParam(req: Request, name: string): number {
  const raw = param(req, name);
  const parsed = /^\d+$/.test(raw) ? PositiveId.safeParse(raw) : undefined;
  if (!parsed?.success) throw new AppError('not_found', `no ${name} ${raw.slice(0, 40)}`);
  return parsed.data;
}
