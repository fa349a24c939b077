import { z } from 'zod';
import { CounterIdSchema, EpochMsSchema } from '../domain/ids.js';

/**
 * The media nodes as the IT officer (role `admin`) sees them (REST `/api/v1/nodes`): each node's
 * state, load and placed counters, where each counter is placed, and draining a node for
 * maintenance and putting it back. The server answers and the console reads through these schemas.
 */

/** A media node's name (`CW_NODE_NAME`): what the server accepts in its configuration. */
export const NodeNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'a node name is 1–64 letters, digits, dots, dashes or underscores',
  );

/** How this process runs (`CW_ROLE`): `all` is one process with no media nodes. */
export const ServerRoleSchema = z.enum(['all', 'control', 'media']);
export type ServerRole = z.infer<typeof ServerRoleSchema>;

const Count = z.number().int().nonnegative();

export const MediaNodeInfoSchema = z.object({
  name: z.string(),
  /** Where agents and control processes reach it. */
  url: z.string(),
  /** It reported within the registry's window; a silent node takes no new counters. */
  alive: z.boolean(),
  /** An admin drained it: no new counters, and its agents are moved away. */
  draining: z.boolean(),
  /** Agents publishing on it at its last heartbeat. */
  load: Count,
  /** Counters it takes before placement prefers other nodes. */
  capacity: Count,
  /** Counters placed on it. */
  placed: Count,
  startedAt: EpochMsSchema,
  heartbeatAt: EpochMsSchema,
});
export type MediaNodeInfo = z.infer<typeof MediaNodeInfoSchema>;

/** GET /api/v1/nodes */
export const MediaNodesSchema = z.object({
  /** `all`: one process serves every counter itself, and the list is empty. */
  role: ServerRoleSchema,
  /** The server's clock when it answered: heartbeat ages are counted from it, not the browser's clock. */
  at: EpochMsSchema,
  nodes: z.array(MediaNodeInfoSchema),
  /** Counter id → the node it is placed on (a node that stopped reporting may still be named). */
  placements: z.record(CounterIdSchema, z.string()),
});
export type MediaNodes = z.infer<typeof MediaNodesSchema>;

/** POST /api/v1/nodes/:name/drain and /undrain: no parameters, an empty object or no body. */
export const NodeActionBodySchema = z.object({}).strict();
export const NODE_ACTIONS = ['drain', 'undrain'] as const;
export type NodeAction = (typeof NODE_ACTIONS)[number];

/** The answer of a drain or undrain: the node as it now is. */
export const NodeResponseSchema = z.object({ node: MediaNodeInfoSchema });

export const NODES_PATH = '/api/v1/nodes';
/** The path of a drain or undrain (the name is encoded: it is part of the URL). */
export const nodeActionPath = (name: string, action: NodeAction): string =>
  `${NODES_PATH}/${encodeURIComponent(name)}/${action}`;
