import { Router, type Request } from 'express';
import {
  MediaNodesSchema,
  NodeActionBodySchema,
  NodeNameSchema,
  NodeResponseSchema,
  parseOrThrow,
  type Clock,
  type ServerRole,
} from '@counterwatch/shared';
import type { SessionService } from '../../auth/SessionService.js';
import type { NodeAdmin } from '../../nodes/NodeAdmin.js';
import { requireUser } from '../auth.js';
import { param } from '../params.js';
import { actor } from '../requestContext.js';
import { reply } from '../reply.js';

export interface NodeRoutesDeps {
  sessions: SessionService;
  nodes: NodeAdmin;
  /** This process's role: `all` has no media nodes, and says so. */
  role: ServerRole;
  now: Clock;
}

/** The `:name` of a drain or undrain: a name no node can have is bad input (400), not an unknown node. */
function nodeName(req: Request): string {
  return parseOrThrow(NodeNameSchema, param(req, 'name'), 'node name', 'invalid_request');
}

/**
 * `/api/v1/nodes` — the media nodes for the IT officer (admins only): list them with every counter's
 * placement, drain one for maintenance or put it back. The routes translate HTTP; NodeAdmin checks
 * the node and puts each change on the audit trail with the actor.
 */
export function nodeRoutes(deps: NodeRoutesDeps): Router {
  const { nodes } = deps;
  const router = Router();
  router.use(requireUser(deps.sessions, 'admin'));

  router.get('/', async (_req, res) => {
    const { nodes: list, placements } = await nodes.overview();
    reply(res, MediaNodesSchema, {
      role: deps.role,
      at: deps.now(),
      nodes: list,
      placements: Object.fromEntries(placements),
    });
  });

  for (const action of ['drain', 'undrain'] as const) {
    router.post(`/:name/${action}`, async (req, res) => {
      const name = nodeName(req);
      // No parameters; a body that says something is refused rather than ignored.
      parseOrThrow(NodeActionBodySchema, req.body ?? {}, action, 'invalid_request');
      const node = await nodes.setDraining(actor(req, res), name, action === 'drain');
      reply(res, NodeResponseSchema, { node });
    });
  }

  return router;
}
