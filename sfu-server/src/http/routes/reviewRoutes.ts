import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { z } from 'zod';
import {
  AppError,
  ComplaintSchema,
  FlagFromComplaintSchema,
  FlagInteractionSchema,
  FlagReasonSchema,
  ReviewDecisionSchema,
  parseOrThrow,
  type Counter,
  type Interaction,
  type Clock,
  type User,
} from '@counterwatch/shared';
import type { AuditLog } from '../../audit/AuditLog.js';
import { canWatch, hasRole } from '../../auth/access.js';
import type { SessionService } from '../../auth/SessionService.js';
import type { ReviewService } from '../../review/ReviewService.js';
import type { StoredQueueEvent } from '../../storage/Storage.js';
import { writeTar } from '../../util/tar.js';
import { requireUser, sessionOf, userOf } from '../auth.js';
import type { Downloads } from '../downloads.js';
import { numericParam, param } from '../params.js';
import { actor } from '../requestContext.js';

/** What the review routes need from recording: a clip of a counter's span. */
export interface ClipSource {
  clip(
    counterId: string,
    from: number,
    to: number,
  ): Promise<{ path: string; container: 'webm' | 'mkv'; from: number; to: number }>;
}

export interface ReviewRoutesDeps {
  sessions: SessionService;
  audit: AuditLog;
  reviews: ReviewService;
  clips: ClipSource;
  clipsDir: string;
  exportsDir: string;
  downloads: Downloads;
  counter: (id: string) => Counter | undefined;
  ticketEvents: (departmentId: string, ticketId: string) => Promise<StoredQueueEvent[]>;
  now: Clock;
}

const ListQuery = z.object({
  departmentId: z.string().max(64).optional(),
  counterId: z.string().max(64).optional(),
  state: z.enum(['pending', 'closed', 'none']).optional(),
  reason: FlagReasonSchema.optional(),
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

const CONTENT_TYPE = { webm: 'video/webm', mkv: 'video/x-matroska' } as const;

/**
 * Interactions, the review queue, flags, complaints, decisions, playback and
 * export. Reviewers (director, inspector, department head) within their
 * scope; playback and export are audited and handed out as short-lived links.
 */
export function reviewRoutes(deps: ReviewRoutesDeps): Router {
  const { sessions, audit, reviews } = deps;
  const router = Router();
  const reviewers = requireUser(sessions, 'director', 'inspector', 'head');
  const scopeOf = (user: User): string[] | null => (hasRole(user, 'director') ? null : user.departmentIds);

  const interactionInScope = async (id: number, user: User): Promise<Interaction> => {
    const found = await reviews.get(id);
    if (!found || !canWatch(user, found.departmentId))
      throw new AppError('not_found', `no interaction ${id}`);
    return found;
  };

  router.get('/reviews', reviewers, async (req, res) => {
    const q = parseOrThrow(ListQuery, req.query, 'query', 'invalid_request');
    const user = userOf(res);
    if (q.departmentId && !canWatch(user, q.departmentId)) {
      res.json({ interactions: [] });
      return;
    }
    const interactions = await reviews.list({
      departmentIds: scopeOf(user),
      review: q.state ?? 'pending',
      limit: q.limit,
      ...(q.departmentId ? { departmentId: q.departmentId } : {}),
      ...(q.counterId ? { counterId: q.counterId } : {}),
      ...(q.reason ? { flagReason: q.reason } : {}),
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
    });
    res.json({ interactions });
  });

  router.get('/interactions/:id', reviewers, async (req, res) => {
    res.json({ interaction: await interactionInScope(numericParam(req, 'id'), userOf(res)) });
  });

  router.post('/interactions/:id/flag', reviewers, async (req, res) => {
    const interaction = await interactionInScope(numericParam(req, 'id'), userOf(res));
    const { note } = parseOrThrow(FlagInteractionSchema, req.body, 'flag', 'invalid_request');
    res.json({ interaction: await reviews.flagByHand(interaction, note, actor(req, res)) });
  });

  /** From the live view: flag the citizen at this counter now. */
  router.post('/counters/:counterId/flag', reviewers, async (req, res) => {
    const user = userOf(res);
    const c = deps.counter(param(req, 'counterId'));
    if (!c || !canWatch(user, c.departmentId)) throw new AppError('not_found', 'no such counter');
    const { note } = parseOrThrow(FlagInteractionSchema, req.body, 'flag', 'invalid_request');
    res.json({ interaction: await reviews.flagCounterNow(c.departmentId, c.id, note, actor(req, res)) });
  });

  router.post('/complaints/candidates', reviewers, async (req, res) => {
    const user = userOf(res);
    const body = parseOrThrow(ComplaintSchema, req.body, 'complaint', 'invalid_request');
    if (!canWatch(user, body.departmentId))
      throw new AppError('not_found', `no department ${body.departmentId}`);
    res.json({
      candidates: await reviews.complaintCandidates(
        scopeOf(user),
        body.departmentId,
        body.counterId,
        body.at,
      ),
    });
  });

  router.post('/complaints', reviewers, async (req, res) => {
    const body = parseOrThrow(FlagFromComplaintSchema, req.body, 'complaint', 'invalid_request');
    const interaction = await interactionInScope(body.interactionId, userOf(res));
    res.json({
      interaction: await reviews.flagFromComplaint(interaction, body.description, actor(req, res)),
    });
  });

  router.post('/interactions/:id/decision', reviewers, async (req, res) => {
    const interaction = await interactionInScope(numericParam(req, 'id'), userOf(res));
    const body = parseOrThrow(ReviewDecisionSchema, req.body, 'decision', 'invalid_request');
    res.json({ interaction: await reviews.review(interaction, body, actor(req, res)) });
  });

  /** One playback = one audit row; the clip itself streams (with seeking) from a short-lived link. */
  router.post('/interactions/:id/playback', reviewers, async (req, res) => {
    const interaction = await interactionInScope(numericParam(req, 'id'), userOf(res));
    const clip = await deps.clips.clip(interaction.counterId, interaction.clipFrom, interaction.clipTo);
    await audit.record({
      action: 'recording.playback',
      actor: actor(req, res),
      departmentId: interaction.departmentId,
      counterId: interaction.counterId,
      objectType: 'interaction',
      objectId: interaction.id,
      details: { from: clip.from, to: clip.to },
    });
    const url = deps.downloads.grant({
      sessionHash: sessionOf(res).sessionHash,
      root: deps.clipsDir,
      file: clip.path,
      contentType: CONTENT_TYPE[clip.container],
      downloadName: null,
    });
    res.json({ url, from: clip.from, to: clip.to, container: clip.container });
  });

  /** Clip + event log + SHA-256 manifest in one tar file. */
  router.post('/interactions/:id/export', reviewers, async (req, res) => {
    const interaction = await interactionInScope(numericParam(req, 'id'), userOf(res));
    const clip = await deps.clips.clip(interaction.counterId, interaction.clipFrom, interaction.clipTo);
    const events = await deps.ticketEvents(interaction.departmentId, interaction.ticketId);
    await audit.record({
      action: 'recording.export',
      actor: actor(req, res),
      departmentId: interaction.departmentId,
      counterId: interaction.counterId,
      objectType: 'interaction',
      objectId: interaction.id,
      details: { from: clip.from, to: clip.to },
    });
    const base = `interaction-${interaction.id}`;
    const clipName = `${base}/clip.${clip.container}`;
    const files: { name: string; data?: Buffer; file?: string }[] = [
      { name: clipName, file: clip.path },
      { name: `${base}/interaction.json`, data: Buffer.from(JSON.stringify(interaction, null, 2)) },
      {
        name: `${base}/events.json`,
        data: Buffer.from(
          JSON.stringify(
            events.map((e) => ({ ...e.event, receivedAt: e.receivedAt })),
            null,
            2,
          ),
        ),
      },
    ];
    const manifest = files
      .map((f) => `${sha256(f.data ?? fs.readFileSync(f.file ?? ''))}  ${f.name.slice(base.length + 1)}`)
      .join('\n');
    files.push({ name: `${base}/MANIFEST.sha256`, data: Buffer.from(`${manifest}\n`) });
    fs.mkdirSync(deps.exportsDir, { recursive: true, mode: 0o700 });
    const exportedAt = deps.now();
    const target = path.join(deps.exportsDir, `${base}-${exportedAt}.tar`);
    await writeTar(target, files, exportedAt);
    const url = deps.downloads.grant({
      sessionHash: sessionOf(res).sessionHash,
      root: deps.exportsDir,
      file: path.basename(target),
      contentType: 'application/x-tar',
      downloadName: `${base}.tar`,
    });
    res.json({ url });
  });

  return router;
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
