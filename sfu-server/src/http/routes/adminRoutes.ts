import { Router, type Express } from 'express';
import {
  AppError,
  CreateUserSchema,
  UpdateUserSchema,
  parseOrThrow,
  type AdminUser,
  type Clock,
  type SessionInfo,
} from '@counterwatch/shared';
import type { AuditLog } from '../../audit/AuditLog.js';
import { generatePassword, hashPassword, hashToken, randomSecret } from '../../auth/secrets.js';
import type { SessionService } from '../../auth/SessionService.js';
import type { Directory } from '../../counters/Directory.js';
import type { Storage, UserRecord } from '../../storage/Storage.js';
import { requireUser } from '../auth.js';
import { numericParam, param } from '../params.js';
import { actor } from '../requestContext.js';
import { listRoutes } from '../routeList.js';

export interface AdminRoutesDeps {
  sessions: SessionService;
  audit: AuditLog;
  storage: Storage;
  directory: Directory;
  isOnline: (counterId: string) => boolean;
  app: () => Express;
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
 * Accounts, sessions, counter tokens and department keys — for admins only,
 * every change on record, secrets shown once and stored only as hashes.
 */
export function adminRoutes(deps: AdminRoutesDeps): Router {
  const { sessions, audit, storage, directory, now } = deps;
  const router = Router();
  router.use(requireUser(sessions, 'admin'));

  const validateScope = (roles: string[], departmentIds: string[] | null): void => {
    if (roles.includes('head') && (departmentIds === null || departmentIds.length === 0)) {
      throw new AppError('invalid_request', 'a department head needs their department');
    }
    for (const id of departmentIds ?? []) {
      if (!directory.department(id)) throw new AppError('invalid_request', `unknown department ${id}`);
    }
  };

  router.get('/users', async (_req, res) => {
    res.json({ users: (await storage.listUsers()).map(adminUser) });
  });

  router.post('/users', async (req, res) => {
    const body = parseOrThrow(CreateUserSchema, req.body, 'account', 'invalid_request');
    validateScope(body.roles, body.departmentIds);
    if (await storage.findUserByUsername(body.username))
      throw new AppError('conflict', `user ${body.username} exists`);
    await audit.record({
      action: 'account.create',
      actor: actor(req, res),
      objectType: 'user',
      objectId: body.username,
      details: { roles: body.roles, departmentIds: body.departmentIds },
    });
    const password = generatePassword();
    const user = await storage.createUser({ ...body, passwordHash: await hashPassword(password) }, now());
    res.status(201).json({ user: adminUser(user), password });
  });

  router.patch('/users/:id', async (req, res) => {
    const id = numericParam(req, 'id');
    const existing = await storage.getUser(id);
    if (!existing) throw new AppError('not_found', `no user ${id}`);
    const body = parseOrThrow(UpdateUserSchema, req.body, 'account', 'invalid_request');
    const roles = body.roles ?? existing.roles;
    const departmentIds = body.departmentIds === undefined ? existing.departmentIds : body.departmentIds;
    validateScope(roles, departmentIds);
    await audit.record({
      action: 'account.update',
      actor: actor(req, res),
      objectType: 'user',
      objectId: existing.username,
      details: body,
    });
    await storage.updateUser(id, {
      displayName: body.displayName ?? existing.displayName,
      roles,
      departmentIds,
      disabled: body.disabled ?? existing.disabled,
    });
    // Rights changed or account disabled: live views must follow within seconds.
    await sessions.revokeAllFor(id);
    const updated = await storage.getUser(id);
    if (!updated) throw new AppError('not_found', `no user ${id}`);
    res.json({ user: adminUser(updated) });
  });

  router.post('/users/:id/reset-password', async (req, res) => {
    const id = numericParam(req, 'id');
    const existing = await storage.getUser(id);
    if (!existing) throw new AppError('not_found', `no user ${id}`);
    await audit.record({
      action: 'account.password_reset',
      actor: actor(req, res),
      objectType: 'user',
      objectId: existing.username,
    });
    const password = generatePassword();
    await storage.setUserPassword(id, await hashPassword(password));
    await sessions.revokeAllFor(id);
    res.json({ user: adminUser(existing), password });
  });

  router.get('/sessions', async (_req, res) => {
    const users = new Map((await storage.listUsers()).map((u) => [u.id, u.username]));
    const list: SessionInfo[] = (await storage.listActiveSessions(now())).map((s) => ({
      id: s.idHash.slice(7, 23),
      userId: s.userId,
      username: users.get(s.userId) ?? '?',
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      revokedAt: s.revokedAt,
      ip: s.ip,
      userAgent: s.userAgent,
    }));
    res.json({ sessions: list });
  });

  router.post('/sessions/:id/revoke', async (req, res) => {
    const id = param(req, 'id');
    const session = (await storage.listActiveSessions(now())).find((s) => s.idHash.slice(7, 23) === id);
    if (!session) throw new AppError('not_found', `no active session ${id}`);
    await audit.record({
      action: 'session.revoke',
      actor: actor(req, res),
      objectType: 'session',
      objectId: id,
      details: { userId: session.userId },
    });
    await sessions.revoke(session.idHash);
    res.json({ ok: true });
  });

  router.get('/directory', (_req, res) => {
    res.json({
      departments: directory
        .departmentsWithKeys()
        .map((d) => ({ id: d.id, name: d.name, hasApiKey: d.hasApiKey })),
      counters: directory.countersWithTokens().map((c) => ({
        id: c.id,
        departmentId: c.departmentId,
        name: c.name,
        hasToken: c.hasToken,
        online: deps.isOnline(c.id),
      })),
    });
  });

  router.post('/counters/:id/token', async (req, res) => {
    const c = directory.counter(param(req, 'id'));
    if (!c) throw new AppError('not_found', 'no such counter');
    await audit.record({
      action: 'counter.token_rotate',
      actor: actor(req, res),
      departmentId: c.departmentId,
      counterId: c.id,
    });
    const token = randomSecret(32);
    await directory.setCounterTokenHash(c.id, hashToken(token));
    res.json({ id: c.id, secret: token });
  });

  router.delete('/counters/:id/token', async (req, res) => {
    const c = directory.counter(param(req, 'id'));
    if (!c) throw new AppError('not_found', 'no such counter');
    await audit.record({
      action: 'counter.token_revoke',
      actor: actor(req, res),
      departmentId: c.departmentId,
      counterId: c.id,
    });
    await directory.setCounterTokenHash(c.id, null);
    res.json({ ok: true });
  });

  router.post('/departments/:id/key', async (req, res) => {
    const d = directory.department(param(req, 'id'));
    if (!d) throw new AppError('not_found', 'no such department');
    await audit.record({ action: 'department.key_rotate', actor: actor(req, res), departmentId: d.id });
    const key = randomSecret(32);
    await directory.setDepartmentApiKeyHash(d.id, hashToken(key));
    res.json({ id: d.id, secret: key });
  });

  /** The API surface, for operators (and the access-matrix test). */
  router.get('/routes', (_req, res) => {
    res.json({ routes: listRoutes(deps.app()) });
  });

  return router;
}
