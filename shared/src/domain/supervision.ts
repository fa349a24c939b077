import { z } from 'zod';
import { CounterIdSchema, DepartmentIdSchema, EpochMsSchema, OpaqueIdSchema } from './ids.js';
import { RatingSchema, ServiceOutcomeSchema } from './queueEvents.js';
import { OfficerRefSchema } from './officers.js';
import { ServiceCodeSchema } from './services.js';

/** Inspections, recordings, interactions and their review. */

export const ChecklistItemSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]{1,40}$/),
  vi: z.string().min(1).max(200),
  en: z.string().min(1).max(200),
});
export type ChecklistItem = z.infer<typeof ChecklistItemSchema>;
export const ChecklistSchema = z.array(ChecklistItemSchema).min(1).max(40);

/** The conduct rules' defaults; a province can edit its own list. */
export const DEFAULT_CHECKLIST: ChecklistItem[] = [
  { id: 'greeting', vi: 'Chào hỏi, thái độ niềm nở', en: 'Greeting and attitude' },
  { id: 'uniform', vi: 'Trang phục, phù hiệu, biển tên đúng quy định', en: 'Uniform and badge' },
  { id: 'guidance', vi: 'Hướng dẫn rõ ràng, đầy đủ', en: 'Clear guidance' },
  { id: 'no-improper', vi: 'Không gợi ý, đòi hỏi không đúng quy định', en: 'No improper requests' },
  { id: 'procedure', vi: 'Thực hiện đúng quy trình, thủ tục', en: 'Procedure followed' },
  { id: 'workplace', vi: 'Nơi làm việc gọn gàng, ngăn nắp', en: 'Workplace order' },
];

export const ChecklistResultSchema = z.enum(['pass', 'fail', 'not_observed']);
export type ChecklistResult = z.infer<typeof ChecklistResultSchema>;

export const ObservationSchema = z.object({
  id: z.number().int().positive(),
  at: EpochMsSchema,
  note: z.string().max(2000),
  /** URL of the still captured from the video at that moment, if any. */
  stillUrl: z.string().nullable(),
});
export type Observation = z.infer<typeof ObservationSchema>;

export const InspectionSchema = z.object({
  id: z.number().int().positive(),
  departmentId: DepartmentIdSchema,
  counterId: CounterIdSchema,
  counterName: z.string(),
  /** The inspector's username, and their display name (what reports show). */
  inspector: z.string(),
  inspectorName: z.string(),
  /** The officer signed in at the counter's panel (at the start, else at the end). */
  officer: OfficerRefSchema.nullable(),
  /** A name typed by the inspector when no officer was signed in at the panel. */
  officerName: z.string().nullable(),
  startedAt: EpochMsSchema,
  endedAt: EpochMsSchema.nullable(),
  /** Ended by the server at the maximum duration (CW_INSPECTION_MAX_MINUTES), not by the inspector. */
  endedAutomatically: z.boolean(),
  checklist: z.array(ChecklistItemSchema),
  results: z.record(z.string(), ChecklistResultSchema),
  notes: z.string(),
  observations: z.array(ObservationSchema),
});
export type Inspection = z.infer<typeof InspectionSchema>;

export const StartInspectionSchema = z.object({ counterId: CounterIdSchema });
export const AddObservationSchema = z.object({
  note: z.string().trim().max(2000),
  /** A JPEG still from the focus video, as a data URL (≤ 600 kB). */
  still: z
    .string()
    .max(800_000)
    .regex(/^data:image\/jpeg;base64,[A-Za-z0-9+/=]+$/, 'must be a base64 JPEG data URL')
    .optional(),
});
export const EndInspectionSchema = z.object({
  results: z.record(z.string().max(40), ChecklistResultSchema),
  notes: z.string().max(10_000),
  officerName: z.string().trim().max(120).optional(),
});

/** A checklist has at most 40 items (ChecklistSchema): a draft answers no more. */
const MAX_DRAFT_ANSWERS = 40;

/**
 * What the inspector has typed so far, saved on the server as it is typed
 * (PUT /api/v1/inspections/:id/draft) so a closed tab loses nothing.
 * The limits are those of the end: a draft can always become the result.
 */
export const InspectionDraftSchema = z.object({
  results: z
    .record(z.string().max(40), ChecklistResultSchema)
    .refine((r) => Object.keys(r).length <= MAX_DRAFT_ANSWERS, 'too many answers'),
  notes: z.string().max(10_000),
  officerName: z.string().max(120),
});
export type InspectionDraft = z.infer<typeof InspectionDraftSchema>;

export const InspectionDraftResponseSchema = z.object({
  draft: InspectionDraftSchema,
  /** When it was last saved; null if nothing has been typed yet. */
  savedAt: EpochMsSchema.nullable(),
});
export type InspectionDraftResponse = z.infer<typeof InspectionDraftResponseSchema>;

export const SegmentSchema = z.object({
  id: z.number().int().positive(),
  counterId: CounterIdSchema,
  startedAt: EpochMsSchema,
  endedAt: EpochMsSchema,
  bytes: z.number().int().nonnegative(),
  held: z.boolean(),
});
export type Segment = z.infer<typeof SegmentSchema>;

export const FlagReasonSchema = z.enum([
  'unsatisfied_rating',
  'long_service',
  'alert',
  'complaint',
  'manual',
]);
export type FlagReason = z.infer<typeof FlagReasonSchema>;

export const FindingSchema = z.enum(['no_issue', 'reminder', 'counselling', 'discipline']);
export type Finding = z.infer<typeof FindingSchema>;

export const ReviewStateSchema = z.enum(['none', 'pending', 'closed']);

export const InteractionSchema = z.object({
  id: z.number().int().positive(),
  departmentId: DepartmentIdSchema,
  counterId: CounterIdSchema,
  ticketId: OpaqueIdSchema,
  ticketNumber: z.string(),
  serviceCode: ServiceCodeSchema,
  issuedAt: EpochMsSchema.nullable(),
  calledAt: EpochMsSchema.nullable(),
  startedAt: EpochMsSchema,
  finishedAt: EpochMsSchema,
  outcome: ServiceOutcomeSchema,
  waitSeconds: z.number().nonnegative().nullable(),
  serviceSeconds: z.number().nonnegative(),
  rating: RatingSchema.nullable(),
  ratingComment: z.string().nullable(),
  ratedAt: EpochMsSchema.nullable(),
  /** The officer signed in at the counter's panel when the service started. */
  officer: OfficerRefSchema.nullable(),
  /** The recording span that plays: the service ± 1 minute. */
  clipFrom: EpochMsSchema,
  clipTo: EpochMsSchema,
  flags: z.array(
    z.object({
      reason: FlagReasonSchema,
      note: z.string().nullable(),
      by: z.string().nullable(),
      at: EpochMsSchema,
    }),
  ),
  review: ReviewStateSchema,
  decisions: z.array(
    z.object({ finding: FindingSchema, note: z.string(), by: z.string(), at: EpochMsSchema }),
  ),
  /** Holds on its recording are kept past the usual release. */
  keep: z.boolean(),
});
export type Interaction = z.infer<typeof InteractionSchema>;

export const FlagInteractionSchema = z.object({ note: z.string().trim().min(1).max(1000) });
export const ReviewDecisionSchema = z.object({
  finding: FindingSchema,
  note: z.string().trim().min(1).max(4000),
  keep: z.boolean().default(false),
});
export const ComplaintSchema = z.object({
  departmentId: DepartmentIdSchema,
  counterId: CounterIdSchema.optional(),
  /** Approximately when it happened. */
  at: EpochMsSchema,
  description: z.string().trim().min(1).max(4000),
});
export const ComplaintMatchesSchema = z.object({ candidates: z.array(InteractionSchema) });
export const FlagFromComplaintSchema = z.object({
  interactionId: z.number().int().positive(),
  description: z.string().trim().min(1).max(4000),
});
