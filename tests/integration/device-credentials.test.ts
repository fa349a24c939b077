import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RouteListSchema } from '@counterwatch/shared';
import type { Stack } from '@counterwatch/demo';
import { withDatabase } from '../support/audit.js';
import {
  asDevice,
  createDevice,
  enrolDevice,
  enrolWithCode,
  type EnrolledDevice,
} from '../support/devices.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { countStoredEvents, events, postEvents } from '../support/queue.js';
import type { TestClock } from '../support/clock.js';
import { testStack } from '../support/stack.js';

/**
 * Each department device holds its own credential with the narrowest
 * rights: a kiosk issues tickets, a rating pad rates at its counter, a panel
 * acts at its counter, a board reads. The department API key is for the
 * queue system's POST /api/v1/events only. Enrolment codes work once;
 * revocation holds at the next request; every use is attributable.
 */
describe('per-device credentials', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let A: Stack['provisioned']['departments'][number];
  let B: Stack['provisioned']['departments'][number];
  let c1: string;
  let c2: string;
  let admin: string;
  let director: string;
  const d = {} as Record<'kiosk' | 'panel1' | 'rating1' | 'board' | 'kioskB', EnrolledDevice>;

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('device-creds', {
      departments: 2,
      countersPerDepartment: 2,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    [A, B] = stack.provisioned.departments as [typeof A, typeof B];
    c1 = A.counters[0]!.id;
    c2 = A.counters[1]!.id;
    admin = await loginCookie(stack.url, 'admin', stack.createUser('admin', ['admin']));
    director = await loginCookie(stack.url, 'director', stack.createUser('director', ['director']));
  });

  afterAll(async () => {
    await cleanup?.();
  });

  /** The counter's queue state as the director's console sees it. */
  const counterState = async (counterId: string): Promise<string> => {
    const overview = await getJson(stack.url, '/api/v1/overview', director);
    const departments = overview.body.departments as { counters: { id: string; queueState: string }[] }[];
    return departments.flatMap((x) => x.counters).find((c) => c.id === counterId)?.queueState ?? '?';
  };

  it('the department API key opens no /device route (it is for POST /api/v1/events only)', async () => {
    const routes = RouteListSchema.parse(
      (await getJson(stack.url, '/api/v1/admin/routes', admin)).body,
    ).routes.filter((r) => r.path.startsWith('/api/v1/device/') && r.path !== '/api/v1/device/enroll');
    expect(routes.length).toBeGreaterThanOrEqual(8);
    const failures: string[] = [];
    for (const r of routes) {
      const path = r.path.replace(':counterId', c1).replace(':ticketId', 'T-x');
      const body =
        r.method === 'GET'
          ? undefined
          : path.endsWith('/actions')
            ? { action: 'close' }
            : path.endsWith('/tickets')
              ? { serviceCode: 'id-card' }
              : { ticketId: 'T-x', rating: 'satisfied', comment: 'x' };
      const res = await asDevice(stack.url, A.apiKey, r.method, path, body);
      if (res.status !== 401) failures.push(`${r.method} ${path} → ${res.status}`);
    }
    expect(failures).toEqual([]);
    // The queue system's own route still takes the key.
    const e = events(A.id, 'qs', 'key-ok', clock.now);
    const posted = await postEvents(stack.url, A.apiKey, [e({ type: 'counter.opened', counterId: c2 })]);
    expect(posted.result?.accepted).toBe(1);
  });

  it('enrols each device with its own one-time code', async () => {
    d.kiosk = await enrolDevice(stack.url, admin, { departmentId: A.id, kind: 'kiosk' });
    d.panel1 = await enrolDevice(stack.url, admin, { departmentId: A.id, kind: 'panel', counterId: c1 });
    d.rating1 = await enrolDevice(stack.url, admin, { departmentId: A.id, kind: 'rating', counterId: c1 });
    d.board = await enrolDevice(stack.url, admin, { departmentId: A.id, kind: 'board' });
    d.kioskB = await enrolDevice(stack.url, admin, { departmentId: B.id, kind: 'kiosk' });
    const tokens = new Set(Object.values(d).map((x) => x.token));
    expect(tokens.size).toBe(5);
    const info = await asDevice(stack.url, d.rating1.token, 'GET', '/api/v1/device/info');
    expect(info.status).toBe(200);
    expect(info.body.device).toMatchObject({ kind: 'rating', counterId: c1 });
    // A pad sees its own counter, nothing of the rest of the department.
    expect((info.body.counters as { id: string }[]).map((c) => c.id)).toEqual([c1]);
  });

  it('an enrolment code works once, not after it expired, and not for another kind of page', async () => {
    const issued = await createDevice(stack.url, admin, { departmentId: A.id, kind: 'board' });
    expect((await enrolWithCode(stack.url, issued.code, 'kiosk')).status).toBe(409);
    const first = await enrolWithCode(stack.url, issued.code.toLowerCase().replace(/-/g, ' '), 'board');
    expect(first.status).toBe(200);
    expect((await enrolWithCode(stack.url, issued.code, 'board')).status).toBe(401);

    const late = await createDevice(stack.url, admin, { departmentId: A.id, kind: 'kiosk' });
    // Fifteen minutes pass (the expiry is the database's, as the server checks it).
    withDatabase(stack.dataDir, (db) =>
      db.prepare('UPDATE devices SET code_expires_at = ? WHERE id = ?').run(clock.now() - 1, late.device.id),
    );
    expect((await enrolWithCode(stack.url, late.code, 'kiosk')).status).toBe(401);
    expect((await enrolWithCode(stack.url, 'AAAA-BBBB-CCCC')).status).toBe(401);
    expect((await enrolWithCode(stack.url, 'not a code')).status).toBe(400);
  });

  it('a kiosk issues tickets and nothing else: no call, finish or close, no rating, no raw events', async () => {
    const ticket = await asDevice(stack.url, d.kiosk.token, 'POST', '/api/v1/device/tickets', {
      serviceCode: 'id-card',
    });
    expect(ticket.status).toBe(200);
    expect(ticket.body.ticketNumber).toMatch(/^A\d{3}$/);
    await asDevice(stack.url, d.panel1.token, 'POST', `/api/v1/device/counters/${c1}/actions`, {
      action: 'open',
    });
    const before = await counterState(c1);
    const tries: [string, string, unknown][] = [
      ['GET', `/api/v1/device/counters/${c1}`, undefined],
      ['POST', `/api/v1/device/counters/${c1}/actions`, { action: 'call-next' }],
      ['POST', `/api/v1/device/counters/${c1}/actions`, { action: 'finish', outcome: 'completed' }],
      ['POST', `/api/v1/device/counters/${c1}/actions`, { action: 'close' }],
      ['GET', `/api/v1/device/counters/${c1}/rating`, undefined],
      ['POST', `/api/v1/device/counters/${c1}/rating`, { ticketId: 'T-x', rating: 'unsatisfied' }],
      ['GET', '/api/v1/device/board', undefined],
    ];
    for (const [method, path, body] of tries) {
      expect((await asDevice(stack.url, d.kiosk.token, method, path, body)).status, `${method} ${path}`).toBe(
        403,
      );
    }
    // Raw events need the department's key: a device token is not one.
    const e = events(A.id, 'kiosk-evil', 'kiosk-evil', clock.now);
    const raw = await postEvents(stack.url, d.kiosk.token, [e({ type: 'counter.closed', counterId: c1 })]);
    expect(raw.status).toBe(401);
    expect(await counterState(c1)).toBe(before);
    expect(countStoredEvents(stack.dataDir, "id LIKE 'kiosk-evil%'")).toBe(0);
  });

  it('a rating pad rates at its own counter only, and cannot drive the panel', async () => {
    for (const [method, path, body] of [
      ['GET', `/api/v1/device/counters/${c2}/rating`, undefined],
      ['POST', `/api/v1/device/counters/${c2}/rating`, { ticketId: 'T-x', rating: 'unsatisfied' }],
      ['POST', `/api/v1/device/counters/${c2}/rating/comment`, { ticketId: 'T-x', comment: 'x' }],
      ['GET', `/api/v1/device/counters/${c1}`, undefined],
      ['POST', `/api/v1/device/counters/${c1}/actions`, { action: 'close' }],
      ['POST', '/api/v1/device/tickets', { serviceCode: 'id-card' }],
    ] as const) {
      expect(
        (await asDevice(stack.url, d.rating1.token, method, path, body)).status,
        `${method} ${path}`,
      ).toBe(403);
    }
    const own = await asDevice(stack.url, d.rating1.token, 'GET', `/api/v1/device/counters/${c1}/rating`);
    expect(own.status).toBe(200);
    expect(Object.keys(own.body).sort()).toEqual(['counter', 'pending', 'serverTime']);
  });

  it('a panel acts at its own counter only; a board reads and cannot act', async () => {
    const act = (token: string, counterId: string, action: unknown) =>
      asDevice(stack.url, token, 'POST', `/api/v1/device/counters/${counterId}/actions`, action);
    expect((await act(d.panel1.token, c2, { action: 'close' })).status).toBe(403);
    const called = await act(d.panel1.token, c1, { action: 'call-next' });
    expect(called.status).toBe(200);
    expect((called.body.servingTicket as { number: string }).number).toMatch(/^A\d{3}$/);
    for (const [method, path, body] of [
      ['POST', `/api/v1/device/counters/${c1}/actions`, { action: 'recall' }],
      ['POST', '/api/v1/device/tickets', { serviceCode: 'id-card' }],
      ['POST', `/api/v1/device/counters/${c1}/rating`, { ticketId: 'T-x', rating: 'satisfied' }],
      ['GET', `/api/v1/device/counters/${c1}`, undefined],
    ] as const) {
      expect((await asDevice(stack.url, d.board.token, method, path, body)).status, `${method} ${path}`).toBe(
        403,
      );
    }
    const board = await asDevice(stack.url, d.board.token, 'GET', '/api/v1/device/board');
    expect(board.status).toBe(200);
    expect((board.body.recentCalls as unknown[]).length).toBe(1);
    // Another department's kiosk sees none of A.
    const info = await asDevice(stack.url, d.kioskB.token, 'GET', '/api/v1/device/info');
    expect(JSON.stringify(info.body)).not.toContain(A.id);
    expect(
      (
        await asDevice(stack.url, d.kioskB.token, 'POST', `/api/v1/device/counters/${c1}/actions`, {
          action: 'close',
        })
      ).status,
    ).toBe(403);
  });

  it('each use is attributable: the device is the source of its events, with its own sequence', () => {
    const rows = withDatabase(stack.dataDir, (db) =>
      db
        .prepare('SELECT type, source_id, source_seq FROM queue_events WHERE source_id LIKE ? ORDER BY seq')
        .all('device:%'),
    ) as { type: string; source_id: string; source_seq: number }[];
    expect(rows).toEqual([
      { type: 'ticket.issued', source_id: `device:${d.kiosk.id}`, source_seq: 1 },
      { type: 'counter.opened', source_id: `device:${d.panel1.id}`, source_seq: 1 },
      { type: 'ticket.called', source_id: `device:${d.panel1.id}`, source_seq: 2 },
    ]);
  });

  it('a revoked device is refused at its next request, and the trail names the admin', async () => {
    expect((await asDevice(stack.url, d.panel1.token, 'GET', `/api/v1/device/counters/${c1}`)).status).toBe(
      200,
    );
    const revoked = await send(stack.url, 'DELETE', `/api/v1/admin/devices/${d.panel1.id}`, undefined, {
      cookie: admin,
    });
    expect(revoked.status).toBe(200);
    const refused = await asDevice(
      stack.url,
      d.panel1.token,
      'POST',
      `/api/v1/device/counters/${c1}/actions`,
      {
        action: 'recall',
      },
    );
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ details: { reason: 'device_revoked' } });
    // The list shows it revoked, with who did it; the others still work.
    const list = (await getJson(stack.url, '/api/v1/admin/devices', admin)).body.devices as {
      id: string;
      revokedBy: string | null;
      lastUsedAt: number | null;
    }[];
    expect(list.find((x) => x.id === d.panel1.id)?.revokedBy).toBe('admin');
    expect(list.find((x) => x.id === d.kiosk.id)?.lastUsedAt).toEqual(expect.any(Number));
    expect((await asDevice(stack.url, d.board.token, 'GET', '/api/v1/device/board')).status).toBe(200);
    const trail = withDatabase(stack.dataDir, (db) =>
      db
        .prepare("SELECT action, actor, object_id FROM audit_log WHERE action LIKE 'device.%' ORDER BY seq")
        .all(),
    ) as { action: string; actor: string; object_id: string }[];
    expect(trail).toEqual(
      expect.arrayContaining([
        { action: 'device.create', actor: 'admin', object_id: d.panel1.id },
        { action: 'device.enrol', actor: `device:${d.panel1.id}`, object_id: d.panel1.id },
        { action: 'device.revoke', actor: 'admin', object_id: d.panel1.id },
      ]),
    );
    // Only admins manage devices.
    expect((await getJson(stack.url, '/api/v1/admin/devices', director)).status).toBe(403);
    expect(
      (
        await send(
          stack.url,
          'POST',
          '/api/v1/admin/devices',
          JSON.stringify({ departmentId: A.id, kind: 'kiosk', name: 'x' }),
          { cookie: director },
        )
      ).status,
    ).toBe(403);
  });
});
