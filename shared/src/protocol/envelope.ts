import { z } from 'zod';
import { ErrorBodySchema } from './errors.js';

/**
 * Every WebSocket frame is one JSON object of these shapes. `error` is for
 * problems that cannot be tied to a request id (unparseable JSON, a frame of
 * unknown kind).
 */
const RequestId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const MessageName = z.string().min(1).max(64);

export const RequestFrameSchema = z.object({
  kind: z.literal('request'),
  id: RequestId,
  name: MessageName,
  data: z.unknown(),
});
export const ResponseFrameSchema = z.union([
  z.object({ kind: z.literal('response'), id: RequestId, ok: z.literal(true), data: z.unknown() }),
  z.object({ kind: z.literal('response'), id: RequestId, ok: z.literal(false), error: ErrorBodySchema }),
]);
export const NotificationFrameSchema = z.object({
  kind: z.literal('notification'),
  name: MessageName,
  data: z.unknown(),
});
export const ErrorFrameSchema = z.object({ kind: z.literal('error'), error: ErrorBodySchema });

export const FrameSchema = z.union([
  RequestFrameSchema,
  ResponseFrameSchema,
  NotificationFrameSchema,
  ErrorFrameSchema,
]);
export type Frame = z.infer<typeof FrameSchema>;
