import { z } from 'zod';
import { EpochMsSchema } from './ids.js';

/** Everything that is on record. Viewing is recorded as much as changing. */
export const AuditActionSchema = z.enum([
  'auth.login',
  'auth.login_failed',
  /** Attempts the login rate limit refused from one address in one window, summed up in one row. */
  'auth.login_throttled',
  'auth.logout',
  'live.view_start',
  'live.view_stop',
  'live.audio_start',
  'live.audio_stop',
  'recording.playback',
  'recording.export',
  'inspection.start',
  'inspection.observation',
  'inspection.end',
  'inspection.report_view',
  'inspection.still_view',
  'interaction.flag',
  'interaction.complaint',
  'review.decision',
  'alert.acknowledge',
  'alert.resolve',
  'config.thresholds',
  'config.checklist',
  'account.create',
  'account.update',
  'account.password_reset',
  'session.revoke',
  'counter.token_rotate',
  'counter.token_revoke',
  'department.key_rotate',
  'device.create',
  'device.code_issue',
  'device.enrol',
  'device.revoke',
  'audit.export',
  'report.generate',
  'report.export',
]);
export type AuditAction = z.infer<typeof AuditActionSchema>;

export const AuditEntrySchema = z.object({
  seq: z.number().int().positive(),
  at: EpochMsSchema,
  actorId: z.number().int().positive().nullable(),
  actor: z.string(),
  ip: z.string().nullable(),
  action: AuditActionSchema,
  departmentId: z.string().nullable(),
  counterId: z.string().nullable(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  reason: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/**
 * A head written down elsewhere (a printout, another machine): "SEQ:HASH".
 * The chain alone cannot catch someone who rewrites or truncates all of it
 * with write access to the database; a kept anchor can.
 */
export const AuditAnchorSchema = z
  .string()
  .trim()
  .regex(/^[1-9]\d{0,15}:[0-9a-f]{64}$/, 'must be SEQ:HASH as printed by a verification (e.g. 42:3fa1…)')
  .transform((s) => {
    const [seq, hash] = s.split(':') as [string, string];
    return { seq: Number(seq), hash };
  });
export type AuditAnchor = z.output<typeof AuditAnchorSchema>;

/** GET /api/v1/audit/verify?anchor=SEQ:HASH */
export const AuditVerifyQuerySchema = z.object({ anchor: AuditAnchorSchema.optional() });

export const AuditVerificationSchema = z.object({
  ok: z.boolean(),
  checked: z.number().int().nonnegative(),
  headSeq: z.number().int().nonnegative(),
  /** The newest row's hash: with headSeq, the anchor to keep elsewhere. */
  headHash: z.string(),
  /** The first row whose hash or link does not hold, or where rows are missing. */
  firstBadSeq: z.number().int().positive().nullable(),
  problem: z.string().nullable(),
});
export type AuditVerification = z.infer<typeof AuditVerificationSchema>;

export const AuditQuerySchema = z.object({
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  actor: z.string().max(40).optional(),
  action: AuditActionSchema.optional(),
  departmentId: z.string().max(64).optional(),
  counterId: z.string().max(64).optional(),
  /** Rows before this sequence number (paging back, or jumping to a bad row). */
  beforeSeq: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
