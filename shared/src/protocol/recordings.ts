import { z } from 'zod';
import { CounterIdSchema, EpochMsSchema } from '../domain/ids.js';
import { InteractionSchema } from '../domain/supervision.js';

/**
 * A counter's continuous recording, reached from its live tile (REST
 * `/api/v1/counters/:counterId/timeline` and `/playback`): what was recorded
 * when, with the services as markers, and clips of any span — each playback
 * on record like a flagged interaction's.
 */

/** A timeline covers at most a day: the business day is the longest view the console offers. */
export const MAX_TIMELINE_MS = 24 * 3_600_000;
/** One clip is at most half an hour: it is cut on demand, and a reviewer scrubs the timeline for more. */
export const MAX_PLAYBACK_MS = 30 * 60_000;
/** "Rewind" plays the last this many ms up to the newest filed segment. */
export const REWIND_MS = 2 * 60_000;

/** A span in epoch ms: after its start and no longer than `max`. */
const checkSpan =
  (max: number, what: string) =>
  (s: { from: number; to: number }, ctx: z.RefinementCtx): void => {
    if (s.to <= s.from) ctx.addIssue({ code: 'custom', message: 'to must be after from', path: ['to'] });
    else if (s.to - s.from > max)
      ctx.addIssue({ code: 'custom', message: `${what} is at most ${max / 60_000} minutes`, path: ['to'] });
  };

const QueryMsSchema = z.coerce.number().int().nonnegative().max(8.64e15);
export const CounterTimelineQuerySchema = z
  .object({ from: QueryMsSchema, to: QueryMsSchema })
  .strict()
  .superRefine(checkSpan(MAX_TIMELINE_MS, 'a timeline'));
export type CounterTimelineQuery = z.infer<typeof CounterTimelineQuerySchema>;

export const RecordedSpanSchema = z.object({ from: EpochMsSchema, to: EpochMsSchema });
export type RecordedSpan = z.infer<typeof RecordedSpanSchema>;

export const CounterTimelineSchema = z.object({
  counterId: CounterIdSchema,
  from: EpochMsSchema,
  to: EpochMsSchema,
  /** What is recorded, as continuous spans (segments a few seconds apart are one span). */
  spans: z.array(RecordedSpanSchema),
  /** The services at this counter in the span, oldest first: the timeline's markers. */
  interactions: z.array(InteractionSchema),
  /** The end of the newest filed segment of this counter, whenever it was. */
  recordedUntil: EpochMsSchema.nullable(),
});
export type CounterTimeline = z.infer<typeof CounterTimelineSchema>;

export const PlaybackPurposeSchema = z.enum(['rewind', 'timeline']);
export type PlaybackPurpose = z.infer<typeof PlaybackPurposeSchema>;

export const CounterPlaybackRequestSchema = z
  .object({ from: EpochMsSchema, to: EpochMsSchema, purpose: PlaybackPurposeSchema })
  .strict()
  .superRefine(checkSpan(MAX_PLAYBACK_MS, 'a clip'));
export type CounterPlaybackRequest = z.infer<typeof CounterPlaybackRequestSchema>;

/** A clip handed out as a short-lived link for this session (interactions' playback answers the same). */
export const PlaybackSchema = z.object({
  url: z.string().startsWith('/'),
  from: EpochMsSchema,
  to: EpochMsSchema,
  container: z.enum(['webm', 'mkv']),
});
export type Playback = z.infer<typeof PlaybackSchema>;
