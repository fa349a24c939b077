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
  'alert.snooze',
  'config.thresholds',
  'config.checklist',
  'account.create',
  'account.update',
  'account.password_reset',
  'session.revoke',
  'counter.token_rotate',
  'counter.token_revoke',
  'department.key_rotate',
  'department.create',
  'department.update',
  'department.retire',
  'counter.create',
  'counter.update',
  'counter.retire',
  'counter.code_issue',
  'counter.enrol',
  'directory.import',
  'device.create',
  'device.code_issue',
  'device.enrol',
  'device.revoke',
  'officer.create',
  'officer.update',
  'officer.sign_in',
  'officer.sign_in_failed',
  'officer.sign_out',
  'audit.export',
  'report.generate',
  'report.export',
  'staffing.advise',
  'campaign.declare',
  'campaign.withdraw',
  /** An IT officer took a media node out of service (its agents move to other nodes) or back in. */
  'node.drain',
  'node.undrain',
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

/** A typed filter: blank means none. */
const FilterText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === '' ? undefined : s))
    .optional();

/**
 * What to find in the trail. The text filters take what a person types:
 * names or ids, any case, with or without diacritics ("Hoàn Kiếm" finds
 * phuong-hoan-kiem); the actor matches the username or the display name.
 */
export const AuditFilterSchema = z.object({
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  actor: FilterText(80),
  action: AuditActionSchema.optional(),
  /** A department's name or id. */
  department: FilterText(100),
  /** A counter's name or id ("Quầy 1" in every department unless one is chosen). */
  counter: FilterText(100),
  /** Exact ids, for links from other pages. */
  departmentId: z.string().max(64).optional(),
  counterId: z.string().max(64).optional(),
});
export type AuditFilter = z.output<typeof AuditFilterSchema>;

/** GET /api/v1/audit: one page of the trail, newest first. */
export const AuditQuerySchema = AuditFilterSchema.extend({
  /** Rows before this sequence number (paging back, or jumping to a bad row). */
  beforeSeq: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
export type AuditQuery = z.output<typeof AuditQuerySchema>;

/** The answer of GET /api/v1/audit: rows, and the display names of their actors (username → name). */
export const AuditListSchema = z.object({
  entries: z.array(AuditEntrySchema),
  actorNames: z.record(z.string(), z.string()),
});
export type AuditList = z.infer<typeof AuditListSchema>;
