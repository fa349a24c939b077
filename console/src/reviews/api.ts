import { z } from 'zod';
import { InteractionSchema } from '@counterwatch/shared';

/** Response shapes of the review routes (items are shared schemas; the envelopes are the console's). */
export const InteractionResponseSchema = z.object({ interaction: InteractionSchema });
export const InteractionListSchema = z.object({ interactions: z.array(InteractionSchema) });
export const CandidatesSchema = z.object({ candidates: z.array(InteractionSchema) });
export const PlaybackSchema = z.object({
  url: z.string().startsWith('/'),
  from: z.number(),
  to: z.number(),
  container: z.enum(['webm', 'mkv']),
});
export type Playback = z.infer<typeof PlaybackSchema>;
export const ExportSchema = z.object({ url: z.string().startsWith('/') });

export const interactionPath = (id: number): string => `/api/v1/interactions/${id}`;
