import { Router } from 'express';
import { z } from 'zod';
import {
  AppError,
  EpochMsSchema,
  MAX_EVENT_BATCH,
  parseOrThrow,
  type EventBatchResult,
  EventBatchResultSchema,
} from '@counterwatch/shared';
import type { EventOrigin } from '../../queue/validation.js';
import { departmentOf } from '../deviceAuth.js';
import { send } from '../reply.js';

const Envelope = z.object({ events: z.array(z.unknown()).min(1), sentAt: EpochMsSchema.optional() });

/**
 * POST /api/v1/events — batch ingest for a department's queue system.
 * Idempotent by event id; answers accepted / duplicate / rejected per event.
 */
export function eventsRoutes(
  ingest: (origin: EventOrigin, events: unknown[], sentAt?: number) => Promise<EventBatchResult>,
): Router {
  const router = Router();
  router.post('/', async (req, res) => {
    const body = parseOrThrow(Envelope, req.body, 'event batch', 'invalid_request');
    if (body.events.length > MAX_EVENT_BATCH) {
      throw new AppError(
        'message_too_large',
        `a batch holds at most ${MAX_EVENT_BATCH} events; got ${body.events.length}`,
      );
    }
    const department = departmentOf(res);
    // The hottest route: the result is built as an EventBatchResult by QueueService, so it is typed, not re-parsed.
    send(
      res,
      EventBatchResultSchema,
      await ingest({ kind: 'department', departmentId: department.id }, body.events, body.sentAt),
    );
  });
  return router;
}
