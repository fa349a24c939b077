import { z } from 'zod';
import { InteractionSchema, PlaybackSchema, type Playback } from '@counterwatch/shared';

/** Response shapes of the review routes (items are shared schemas; the envelopes are the console's). */
export const InteractionResponseSchema = z.object({ interaction: InteractionSchema });
export const InteractionListSchema = z.object({ interactions: z.array(InteractionSchema) });
export const CandidatesSchema = z.object({ candidates: z.array(InteractionSchema) });
export { PlaybackSchema, type Playback };
export const ExportSchema = z.object({ url: z.string().startsWith('/') });

export const interactionPath = (id: number): string => `/api/v1/interactions/${id}`;
