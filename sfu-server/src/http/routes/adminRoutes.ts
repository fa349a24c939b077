import { Router, type Express } from 'express';
import {
  CreateUserSchema,
  UpdateUserSchema,
  parseOrThrow,
  type AdminUser,
  type Clock,
  type MediaObjects,
  type SessionInfo,
  CreatedUserSchema,
  IssuedSecretSchema,
  OkSchema,
  SessionListSchema,
  UserListSchema,
  UserResponseSchema,
  DirectoryAdminSchema,
  MediaObjectsSchema,
  RouteListSchema,
} from '@counterwatch/shared';
import { sessionDisplayId, type AccountService } from '../../accounts/AccountService.js';
import type { SessionService } from '../../auth/SessionService.js';
import type { Directory } from '../../counters/Directory.js';
import type { Storage, UserRecord } from '../../storage/Storage.js';
import { requireUser } from '../auth.js';
import { numericParam, param } from '../params.js';
import { actor } from '../requestContext.js';
import { listRoutes } from '../routeList.js';
import { reply } from '../reply.js';

export interface AdminRoutesDeps {
  sessions: SessionService;
  accounts: AccountService;
  storage: Storage;
  directory: Directory;
  isOnline: (counterId: string) => boolean;
  /** When the counter's agent was last refused its token (null: not since one was accepted). */
  credentialRefusedAt: (counterId: string) => number | null;
  /** What the mediasoup workers hold (transports, producers, consumers…), as they count it. */
  mediaObjects: () => Promise<MediaObjects>;
  app: () => Express;
  /** The injected clock. */
  now: Clock;
}

const adminUser = (u: UserRecord): AdminUser => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
  roles: u.roles,
  departmentIds: u.departmentIds,
  disabled: u.disabled,
  createdAt: u.createdAt,
});

/**
 * Accounts, sessions, counter tokens and department keys, and what the media
 * workers hold — for admins only.
 * The account service acts and puts each change on record; secrets are shown
 * once and stored only as hashes.
 */
export function adminRoutes(deps: AdminRoutesDeps): Router {
  const { sessions, accounts, storage, directory, now } = deps;
  const router = Router();
  router.use(requireUser(sessions, 'admin'));

  router.get('/users', async (_req, res) => {
    reply(res, UserListSchema, { users: (await storage.listUsers()).map(adminUser) });
  });

  router.post('/users', async (req, res) => {
    const body = parseOrThrow(CreateUserSchema, req.body, 'account', 'invalid_request');
    const { user, password } = await accounts.createUser(actor(req, res), body);
    reply(res, CreatedUserSchema, { user: adminUser(user), password }, 201);
  });

  router.patch('/users/:id', async (req, res) => {
    const body = parseOrThrow(UpdateUserSchema, req.body, 'account', 'invalid_request');
    const user = await accounts.updateUser(actor(req, res), numericParam(req, 'id'), body);
    reply(res, UserResponseSchema, { user: adminUser(user) });
  });

  router.post('/users/:id/reset-password', async (req, res) => {
    const { user, password } = await accounts.resetPassword(actor(req, res), numericParam(req, 'id'));
    reply(res, CreatedUserSchema, { user: adminUser(user), password });
  });

  router.get('/sessions', async (_req, res) => {
    const users = new Map((await storage.listUsers()).map((u) => [u.id, u.username]));
    const list: SessionInfo[] = (await storage.listActiveSessions(now())).map((s) => ({
      id: sessionDisplayId(s),
      userId: s.userId,
      username: users.get(s.userId) ?? '?',
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      revokedAt: s.revokedAt,
      ip: s.ip,
      userAgent: s.userAgent,
    }));
    reply(res, SessionListSchema, { sessions: list });
  });

  router.post('/sessions/:id/revoke', async (req, res) => {
    await accounts.revokeSession(actor(req, res), param(req, 'id'));
    reply(res, OkSchema, { ok: true });
  });

  router.get('/directory', (_req, res) => {
    reply(res, DirectoryAdminSchema, {
      departments: directory
        .departmentsWithKeys()
        .map((d) => ({ id: d.id, name: d.name, hasApiKey: d.hasApiKey })),
      counters: directory.countersWithTokens().map((c) => ({
        id: c.id,
        departmentId: c.departmentId,
        name: c.name,
        hasToken: c.hasToken,
        online: deps.isOnline(c.id),
        credentialRefusedAt: deps.credentialRefusedAt(c.id),
      })),
    });
  });

  router.get('/media', async (_req, res) => {
    reply(res, MediaObjectsSchema, await deps.mediaObjects());
  });

  router.post('/counters/:id/token', async (req, res) => {
    const id = param(req, 'id');
    const token = await accounts.rotateCounterToken(actor(req, res), id);
    reply(res, IssuedSecretSchema, { id, secret: token });
  });

  router.delete('/counters/:id/token', async (req, res) => {
    await accounts.revokeCounterToken(actor(req, res), param(req, 'id'));
    reply(res, OkSchema, { ok: true });
  });

  router.post('/departments/:id/key', async (req, res) => {
    const id = param(req, 'id');
    const key = await accounts.rotateDepartmentKey(actor(req, res), id);
    reply(res, IssuedSecretSchema, { id, secret: key });
  });

  /** The API surface, for operators (and the access-matrix test). */
  router.get('/routes', (_req, res) => {
    reply(res, RouteListSchema, { routes: listRoutes(deps.app()) });
  });

  return router;
}
