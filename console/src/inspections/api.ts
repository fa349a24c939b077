import { z } from 'zod';
import { ChecklistSchema, InspectionSchema } from '@counterwatch/shared';

/** Response shapes of `/api/v1/inspections` (the items are shared schemas; the envelopes are the console's). */
export const InspectionResponseSchema = z.object({ inspection: InspectionSchema });
export const InspectionListSchema = z.object({ inspections: z.array(InspectionSchema) });
export const ChecklistResponseSchema = z.object({ checklist: ChecklistSchema });
export const ObservationCreatedSchema = z.object({ observationId: z.number().int().positive() });

export const inspectionPath = (id: number): string => `/api/v1/inspections/${id}`;

/** The printable report the server renders; `download` makes it a file. */
export const reportUrl = (id: number, download = false): string =>
  `${inspectionPath(id)}/report.html${download ? '?download=1' : ''}`;
