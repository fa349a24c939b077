import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Stack } from '@counterwatch/demo';
import { RawSocket } from '../support/agentSocket.js';
import { auditCount } from '../support/audit.js';
import { loginCookie, send } from '../support/http.js';
import { testStack } from '../support/stack.js';

/** The audit rows of one action, oldest first, straight from the database. */
function auditRows(dataDir: string, action: string) {
  const db = new BetterSqlite3(path.join(dataDir, 'counterwatch.db'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    return z
      .array(
        z.object({
          actor: z.string(),
          ip: z.string().nullable(),
          object_id: z.string().nullable(),
          counter_id: z.string().nullable(),
          reason: z.string().nullable(),
          details: z.string().transform((s) => JSON.parse(s) as Record<string, unknown>),
        }),
      )
      .parse(
        db
          .prepare(
            'SELECT actor, ip, object_id, counter_id, reason, details FROM audit_log WHERE action = ? ORDER BY seq',
          )
          .all(action),
      );
  } finally {
    db.close();
  }
}

/**
 * Failed logins the rate limit refuses are summed up per address and window,
 * not written one row each; logging into one's own account does not wipe the
 * address's count of failures. (A stack of its own: it locks out 127.0.0.1.)
 */
describe('login rate limit', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('throttle', {
      departments: 1,
      countersPerDepartment: 1,
      serverEnv: { CW_RECORDING: 'false' },
    }));
  });

  afterAll(async () => {
    await cleanup?.();
  });

  const login = (username: string, password: string) =>
    send(stack.url, 'POST', '/api/v1/auth/login', JSON.stringify({ username, password }));

  it('a successful login of my own account does not reset the failures counted against my address', async () => {
    const mine = stack.createUser('attacker', ['auditor']);
    for (const victim of ['victim1', 'victim2', 'victim3', 'victim4']) {
      expect((await login(victim, 'guess-guess-guess')).status).toBe(401);
    }
    expect((await login('attacker', mine)).status).toBe(200);
    expect((await login('victim5', 'guess-guess-guess')).status).toBe(401); // the fifth failure
    expect((await login('victim6', 'guess-guess-guess')).status).toBe(429);
  });

  it('refused attempts are summed up in one row per address and window, not one row each', async () => {
    const failedBefore = auditCount(stack.dataDir, 'auth.login_failed');
    for (let i = 0; i < 40; i++) {
      expect((await login(`victim${i}`, 'guess-guess-guess')).status).toBe(429);
    }
    expect(auditCount(stack.dataDir, 'auth.login_failed')).toBe(failedBefore);
    // The window's summary is written when it closes, or when the server stops.
    await stack.stopServer();
    const rows = auditRows(stack.dataDir, 'auth.login_throttled');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: 'anonymous', ip: '127.0.0.1', reason: 'rate_limited' });
    expect(rows[0]!.details).toMatchObject({ refused: 41 });
    expect((rows[0]!.details.usernames as string[]).length).toBeLessThanOrEqual(10);
    await stack.startServer();
  });
});

/** Per-connection and per-session limits hold when requests arrive all at once. */
describe('console connection limits', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let wsUrl: string;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('limits', {
      departments: 1,
      countersPerDepartment: 1,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    wsUrl = `${stack.url.replace('http', 'ws')}/ws/console`;
  });

  afterAll(async () => {
    await cleanup?.();
  });

  async function consoleSocket(cookie: string): Promise<RawSocket> {
    const socket = new RawSocket(wsUrl, { cookie, origin: stack.url });
    await socket.opened;
    return socket;
  }

  it('100 concurrent createTransport requests on one socket open exactly 64', async () => {
    const cookie = await loginCookie(stack.url, 'director', stack.createUser('director', ['director']));
    const socket = await consoleSocket(cookie);
    socket.request(1, 'hello', { protocolVersion: 1 });
    await socket.response(1);
    const departmentId = stack.provisioned.departments[0]!.id;
    for (let id = 100; id < 200; id++) socket.request(id, 'createTransport', { departmentId });
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => socket.response(100 + i, 30_000)),
    );
    expect(replies.filter((r) => r.ok === true)).toHaveLength(64);
    const refused = replies.filter((r) => r.ok !== true);
    expect(refused).toHaveLength(36);
    for (const r of refused) expect(r).toMatchObject({ error: { code: 'conflict' } });
    socket.close();
  });

  it('refuses console sockets beyond the cap per session and per user, with a clear reason', async () => {
    const password = stack.createUser('tabs', ['director']);
    const first = await loginCookie(stack.url, 'tabs', password);
    const sockets = await Promise.all(Array.from({ length: 10 }, () => consoleSocket(first)));
    const closed = await Promise.all(
      sockets.map((s) =>
        Promise.race([s.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), 1_500))]),
      ),
    );
    const refused = closed.filter((c) => c !== null);
    expect(refused).toHaveLength(2);
    for (const c of refused) {
      expect(c.code).toBe(4429);
      expect(c.reason).toMatch(/too many console connections for this login \(at most 8\)/);
    }
    // The ones let in work.
    const open = sockets.filter((_, i) => closed[i] === null);
    open[0]!.request(1, 'hello', { protocolVersion: 1 });
    expect(await open[0]!.response(1)).toMatchObject({ ok: true });
    // A second login of the same user may open 8 more; a third login finds the user's 16 taken.
    const second = await loginCookie(stack.url, 'tabs', password);
    const more = await Promise.all(Array.from({ length: 8 }, () => consoleSocket(second)));
    const third = await consoleSocket(await loginCookie(stack.url, 'tabs', password));
    const thirdClosed = await third.closed;
    expect(thirdClosed.code).toBe(4429);
    expect(thirdClosed.reason).toMatch(/for this user \(at most 16\)/);
    for (const s of more) expect(s.ws.readyState).toBe(s.ws.OPEN);
    // Closing one frees its place.
    open[1]!.close();
    await open[1]!.closed;
    const again = await consoleSocket(first);
    again.request(1, 'hello', { protocolVersion: 1 });
    expect(await again.response(1)).toMatchObject({ ok: true });
    for (const s of [...open, ...more, again]) s.close();
  });
});
