import { z } from 'zod';
import { CounterIdSchema, DepartmentIdSchema, DisplayNameSchema, EpochMsSchema } from '../domain/ids.js';
import { RoleSchema, UserSchema, UsernameSchema } from '../domain/users.js';

/** Shapes of the admin API: accounts, sessions, counter tokens, department keys. */
export const AdminUserSchema = UserSchema.extend({ disabled: z.boolean(), createdAt: EpochMsSchema });
export type AdminUser = z.infer<typeof AdminUserSchema>;

export const CreateUserSchema = z.object({
  username: UsernameSchema,
  displayName: DisplayNameSchema,
  roles: z.array(RoleSchema).min(1),
  departmentIds: z.array(DepartmentIdSchema).nullable(),
});
export const UpdateUserSchema = z
  .object({
    displayName: DisplayNameSchema,
    roles: z.array(RoleSchema).min(1),
    departmentIds: z.array(DepartmentIdSchema).nullable(),
    disabled: z.boolean(),
  })
  .partial();
/** A generated password, shown once. */
export const CreatedUserSchema = z.object({ user: AdminUserSchema, password: z.string() });
export const UserListSchema = z.object({ users: z.array(AdminUserSchema) });
export const UserResponseSchema = z.object({ user: AdminUserSchema });

export const SessionInfoSchema = z.object({
  id: z.string(),
  userId: z.number().int().positive(),
  username: z.string(),
  createdAt: EpochMsSchema,
  expiresAt: EpochMsSchema,
  revokedAt: EpochMsSchema.nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;
export const SessionListSchema = z.object({ sessions: z.array(SessionInfoSchema) });

/** A new agent token or department key, shown once. */
export const IssuedSecretSchema = z.object({ id: z.string(), secret: z.string() });

export const DirectoryAdminSchema = z.object({
  departments: z.array(z.object({ id: DepartmentIdSchema, name: z.string(), hasApiKey: z.boolean() })),
  counters: z.array(
    z.object({
      id: CounterIdSchema,
      departmentId: DepartmentIdSchema,
      name: z.string(),
      hasToken: z.boolean(),
      online: z.boolean(),
      /** The server refused its agent's token then (see CounterMedia); absent or null: not since it was accepted. */
      credentialRefusedAt: EpochMsSchema.nullable().optional(),
    }),
  ),
});

/** GET /api/v1/directory/names: names of what is in the user's scope, for pages listing ids. */
export const DirectoryNamesSchema = z.object({
  departments: z.array(z.object({ id: DepartmentIdSchema, name: z.string() })),
  counters: z.array(z.object({ id: CounterIdSchema, departmentId: DepartmentIdSchema, name: z.string() })),
});

const Count = z.number().int().nonnegative();

/**
 * GET /api/v1/admin/media: what each mediasoup worker holds, as the worker
 * itself counts it (its dumps), for operators and the soak benchmark — a
 * transport or consumer that outlives its console shows up here first.
 */
export const MediaWorkerObjectsSchema = z.object({
  index: Count,
  /** null while the slot's worker is being replaced. */
  pid: z.number().int().positive().nullable(),
  /** Routers in the worker; more than `departmentRouters` means one nobody closes. */
  routers: Count,
  /** Department routers the server placed on this worker. */
  departmentRouters: Count,
  transports: Count,
  producers: Count,
  consumers: Count,
  dataProducers: Count,
  dataConsumers: Count,
  rtpObservers: Count,
  /** The worker's WebRtcServer: viewer transports through its port, their ICE fragments and 5-tuples. */
  webRtcServer: z.object({
    transports: Count,
    iceUsernameFragments: Count,
    tupleHashes: Count,
  }),
});
export type MediaWorkerObjects = z.infer<typeof MediaWorkerObjectsSchema>;
export const MediaObjectsSchema = z.object({ workers: z.array(MediaWorkerObjectsSchema) });
export type MediaObjects = z.infer<typeof MediaObjectsSchema>;

/** One route the server serves: its method (upper case) and its path pattern (`/api/v1/users/:id`). */
export const RouteInfoSchema = z.object({
  method: z.string().regex(/^[A-Z]+$/),
  path: z.string().startsWith('/'),
});
export type RouteInfo = z.infer<typeof RouteInfoSchema>;
/** GET /api/v1/admin/routes: the API surface, for operators and the access-matrix test. */
export const RouteListSchema = z.object({ routes: z.array(RouteInfoSchema) });
export type RouteList = z.infer<typeof RouteListSchema>;
