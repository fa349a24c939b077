import { Router } from 'express';
import { z } from 'zod';
import {
  AppError,
  ComplaintSchema,
  FlagFromComplaintSchema,
  FlagInteractionSchema,
  FlagReasonSchema,
  ReviewDecisionSchema,
  CandidatesSchema,
  DownloadLinkSchema,
  InteractionListSchema,
  InteractionResponseSchema,
  PlaybackSchema,
  parseOrThrow,
  type Counter,
  type Interaction,
  type User,
} from '@counterwatch/shared';
import { canWatch, hasRole } from '../../auth/access.js';
import type { SessionService } from '../../auth/SessionService.js';
import type { InteractionEvidence } from '../../review/InteractionEvidence.js';
import type { ReviewService } from '../../review/ReviewService.js';
import { requireUser, sessionOf, userOf } from '../auth.js';
import type { Downloads } from '../downloads.js';
import { numericParam, param } from '../params.js';
import { reply } from '../reply.js';
import { actor } from '../requestContext.js';
import { CONTAINER_CONTENT_TYPE } from '../../recording/paths.js';

export interface ReviewRoutesDeps {
  sessions: SessionService;
  reviews: ReviewService;
  evidence: InteractionEvidence;
  /** Where the recorder writes clips (the download root of a playback link). */
  clipsDir: string;
  downloads: Downloads;
  counter: (id: string) => Counter | undefined;
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

/**
 * Interactions, the review queue, flags, complaints, decisions, playback and
 * export. Reviewers (director, inspector, department head) within their
 * scope; playback and export are audited and handed out as short-lived links.
 */
export function reviewRoutes(deps: ReviewRoutesDeps): Router {
  const { sessions, reviews } = deps;
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
      reply(res, InteractionListSchema, { interactions: [] });
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
    reply(res, InteractionListSchema, { interactions });
  });

  router.get('/interactions/:id', reviewers, async (req, res) => {
    reply(res, InteractionResponseSchema, {
      interaction: await interactionInScope(numericParam(req, 'id'), userOf(res)),
    });
  });

  router.post('/interactions/:id/flag', reviewers, async (req, res) => {
    const interaction = await interactionInScope(numericParam(req, 'id'), userOf(res));
    const { note } = parseOrThrow(FlagInteractionSchema, req.body, 'flag', 'invalid_request');
    reply(res, InteractionResponseSchema, {
      interaction: await reviews.flagByHand(interaction, note, actor(req, res)),
    });
  });

  /** From the live view: flag the citizen at this counter now. */
  router.post('/counters/:counterId/flag', reviewers, async (req, res) => {
    const user = userOf(res);
    const c = deps.counter(param(req, 'counterId'));
    if (!c || !canWatch(user, c.departmentId)) throw new AppError('not_found', 'no such counter');
    const { note } = parseOrThrow(FlagInteractionSchema, req.body, 'flag', 'invalid_request');
    reply(res, InteractionResponseSchema, {
      interaction: await reviews.flagCounterNow(c.departmentId, c.id, note, actor(req, res)),
    });
  });

  router.post('/complaints/candidates', reviewers, async (req, res) => {
    const user = userOf(res);
    const body = parseOrThrow(ComplaintSchema, req.body, 'complaint', 'invalid_request');
    if (!canWatch(user, body.departmentId))
      throw new AppError('not_found', `no department ${body.departmentId}`);
    reply(res, CandidatesSchema, {
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
    reply(res, InteractionResponseSchema, {
      interaction: await reviews.flagFromComplaint(interaction, body.description, actor(req, res)),
    });
  });

  router.post('/interactions/:id/decision', reviewers, async (req, res) => {
    const interaction = await interactionInScope(numericParam(req, 'id'), userOf(res));
    const body = parseOrThrow(ReviewDecisionSchema, req.body, 'decision', 'invalid_request');
    reply(res, InteractionResponseSchema, {
      interaction: await reviews.review(interaction, body, actor(req, res)),
    });
  });

  /** One playback = one audit row; the clip itself streams (with seeking) from a short-lived link. */
  router.post('/interactions/:id/playback', reviewers, async (req, res) => {
    const interaction = await interactionInScope(numericParam(req, 'id'), userOf(res));
    const clip = await deps.evidence.playback(interaction, actor(req, res));
    const url = deps.downloads.grant({
      sessionHash: sessionOf(res).sessionHash,
      root: deps.clipsDir,
      file: clip.path,
      contentType: CONTAINER_CONTENT_TYPE[clip.container],
      downloadName: null,
    });
    reply(res, PlaybackSchema, { url, from: clip.from, to: clip.to, container: clip.container });
  });

  /** Clip + event log + SHA-256 manifest in one tar file, handed out as a short-lived link. */
  router.post('/interactions/:id/export', reviewers, async (req, res) => {
    const interaction = await interactionInScope(numericParam(req, 'id'), userOf(res));
    const { file, downloadName } = await deps.evidence.export(interaction, actor(req, res));
    const url = deps.downloads.grant({
      sessionHash: sessionOf(res).sessionHash,
      root: deps.evidence.exportsDir,
      file,
      contentType: 'application/x-tar',
      downloadName,
    });
    reply(res, DownloadLinkSchema, { url });
  });

  return router;
}
