import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaNodesSchema, NodeResponseSchema, nodeActionPath, type User } from '@counterwatch/shared';
import type { AuditInput, AuditLog } from '../../audit/AuditLog.js';
import type { SessionService } from '../../auth/SessionService.js';
import { NodeAdmin } from '../../nodes/NodeAdmin.js';
import { NODE_ALIVE_MS } from '../../nodes/NodeRegistry.js';
import type { MediaNodeRow, NodeStore } from '../../storage/Storage.js';
import { errorHandler } from '../errors.js';
import { nodeRoutes } from './nodeRoutes.js';

/**
 * The nodes routes translate HTTP only: admins list and drain, others are refused, bad names are
 * 400 and unknown nodes 404, and the audit row (written by NodeAdmin) names the requesting user.
 */
describe('node routes', () => {
  let close: (() => void) | undefined;
  afterEach(() => close?.());

  const NOW = 1_750_000_000_000;
  const row = (name: string, heartbeatAt: number, draining = false): MediaNodeRow => ({
    name,
    url: `http://10.0.0.1:8080/${name}`,
    capacity: 80,
    load: 3,
    draining,
    startedAt: NOW - 3_600_000,
    heartbeatAt,
  });

  async function serve(options: { roles?: User['roles']; role?: 'all' | 'control' } = {}) {
    const rows = [row('m1', NOW - 1_000), row('m2', NOW - NODE_ALIVE_MS - 1, true)];
    const store = {
      list: () => Promise.resolve(rows.map((r) => ({ ...r }))),
      placements: () =>
        Promise.resolve([
          { counterId: 'hk-q1', node: 'm1' },
          { counterId: 'hk-q2', node: 'm1' },
          { counterId: 'xe-q1', node: 'gone' },
        ]),
      setDraining: (name: string, draining: boolean) => {
        const found = rows.find((r) => r.name === name);
        if (found) found.draining = draining;
        return Promise.resolve(found !== undefined);
      },
    } as unknown as NodeStore;
    const audited: AuditInput[] = [];
    const audit = { record: (input: AuditInput) => void audited.push(input) } as unknown as AuditLog;
    const user: User = {
      id: 7,
      username: 'it.officer',
      displayName: 'IT',
      roles: options.roles ?? ['admin'],
      departmentIds: null,
    };
    const sessions = {
      resolve: () => Promise.resolve({ user, sessionHash: 'h', expiresAt: Number.MAX_SAFE_INTEGER }),
    } as unknown as SessionService;
    const app = express();
    app.use(express.json());
    app.use(
      '/api/v1/nodes',
      nodeRoutes({
        sessions,
        nodes: new NodeAdmin({ store, audit, now: () => NOW }),
        role: options.role ?? 'control',
        now: () => NOW,
      }),
    );
    app.use(errorHandler(pino({ level: 'silent' })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    close = () => server.close();
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (path: string, body?: string) =>
      fetch(`${url}${path}`, {
        method: 'POST',
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body }),
      });
    return { url, audited, rows, post };
  }

  it('lists the nodes, alive or silent, their placed counts and each counter’s node', async () => {
    const { url } = await serve();
    const res = await fetch(`${url}/api/v1/nodes`);
    expect(res.status).toBe(200);
    const body = MediaNodesSchema.parse(await res.json());
    expect(body.role).toBe('control');
    expect(body.at).toBe(NOW);
    expect(body.nodes.map((n) => [n.name, n.alive, n.draining, n.placed])).toEqual([
      ['m1', true, false, 2],
      ['m2', false, true, 0],
    ]);
    expect(body.placements).toEqual({ 'hk-q1': 'm1', 'hk-q2': 'm1', 'xe-q1': 'gone' });
  });

  it('drains and undrains through NodeAdmin, which audits with the requesting user', async () => {
    const { audited, rows, post } = await serve();
    const drained = await post(nodeActionPath('m1', 'drain'), '{}');
    expect(drained.status).toBe(200);
    expect(NodeResponseSchema.parse(await drained.json()).node).toMatchObject({ name: 'm1', draining: true });
    expect(rows[0]!.draining).toBe(true);
    // No body at all is as good as an empty one.
    const back = await post(nodeActionPath('m1', 'undrain'));
    expect(back.status).toBe(200);
    expect(rows[0]!.draining).toBe(false);
    expect(audited.map((a) => [a.action, a.objectId, a.actor.username, a.actor.userId])).toEqual([
      ['node.drain', 'm1', 'it.officer', 7],
      ['node.undrain', 'm1', 'it.officer', 7],
    ]);
  });

  it('an unknown node is 404, a malformed name or a body with fields 400, nothing audited', async () => {
    const { audited, post } = await serve();
    const unknown = await post(nodeActionPath('nowhere', 'drain'), '{}');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const malformed = await post(nodeActionPath('bad name!', 'drain'), '{}');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    const extra = await post(nodeActionPath('m1', 'drain'), '{"draining":true}');
    expect(extra.status).toBe(400);
    expect((await post('/api/v1/nodes/m1/reboot', '{}')).status).toBe(404);
    expect(audited).toEqual([]);
  });

  it('refuses every role but admin', async () => {
    const { url, post, audited } = await serve({ roles: ['director', 'auditor'] });
    const list = await fetch(`${url}/api/v1/nodes`);
    expect(list.status).toBe(403);
    expect(((await list.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await post(nodeActionPath('m1', 'drain'), '{}')).status).toBe(403);
    expect(audited).toEqual([]);
  });

  it('says when this process is the whole installation (role all)', async () => {
    const { url } = await serve({ role: 'all' });
    expect(MediaNodesSchema.parse(await (await fetch(`${url}/api/v1/nodes`)).json()).role).toBe('all');
  });
});
