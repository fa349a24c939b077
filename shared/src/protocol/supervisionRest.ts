import { z } from 'zod';
import { ChecklistSchema, InspectionSchema, InteractionSchema } from '../domain/supervision.js';

/**
 * Response shapes of the supervision routes: inspections (`/api/v1/inspections`)
 * and reviews (`/api/v1/reviews`, `/api/v1/interactions`). The server sends
 * them through these schemas and the console reads them with the same ones.
 */
export const InspectionResponseSchema = z.object({ inspection: InspectionSchema });
export const InspectionListSchema = z.object({ inspections: z.array(InspectionSchema) });
export const ChecklistResponseSchema = z.object({ checklist: ChecklistSchema });
export const ObservationCreatedSchema = z.object({ observationId: z.number().int().positive() });

export const InteractionResponseSchema = z.object({ interaction: InteractionSchema });
export const InteractionListSchema = z.object({ interactions: z.array(InteractionSchema) });
export const CandidatesSchema = z.object({ candidates: z.array(InteractionSchema) });
/** A short-lived download link of this server (an export). */
export const DownloadLinkSchema = z.object({ url: z.string().startsWith('/') });
