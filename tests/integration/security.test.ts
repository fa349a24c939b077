import fs from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runAdmin, sha256Hash, type Stack } from '@counterwatch/demo';
import { RawSocket } from '../support/agentSocket.js';
import { adminEnv, auditCount, failAuditAppends, withDatabase } from '../support/audit.js';
import { eventually } from '../support/browser.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { postEvents } from '../support/queue.js';
import { wellInsideWindow, type TestClock } from '../support/clock.js';
import { testStack } from '../support/stack.js';

/** The audit rows of one action, oldest first, straight from the database. */
function auditRows(dataDir: string, action: string) {
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
      withDatabase(dataDir, (db) =>
        db
          .prepare(
            'SELECT actor, ip, object_id, counter_id, reason, details FROM audit_log WHERE action = ? ORDER BY seq',
          )
          .all(action),
      ),
    );
}

/**
 * Failed logins the rate limit refuses are summed up per address and window,
 * not written one row each; logging into one's own account does not wipe the
 * address's count of failures. (A stack of its own: it locks out 127.0.0.1.)
 */
describe('login rate limit', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('throttle', {
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
    // The limit counts in fixed 5-minute windows of the server's clock: this test's failures and the
    // next test's refusals must fall in one.
    await wellInsideWindow(clock, 5 * 60_000, 60_000);
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

  it('100 concurrent createTransport requests for one department on one socket open exactly 2', async () => {
    const cookie = await loginCookie(stack.url, 'director', stack.createUser('director', ['director']));
    const socket = await consoleSocket(cookie);
    socket.request(1, 'hello', { protocolVersion: 1 });
    await socket.response(1);
    const departmentId = stack.provisioned.departments[0]!.id;
    for (let id = 100; id < 200; id++) socket.request(id, 'createTransport', { departmentId });
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => socket.response(100 + i, 30_000)),
    );
    // A console receives a department over one transport; a second may overlap while it replaces a failed one.
    expect(replies.filter((r) => r.ok === true)).toHaveLength(2);
    const refused = replies.filter((r) => r.ok !== true);
    expect(refused).toHaveLength(98);
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

/**
 * Secrets changed in the database (console or CLI) are the database's: a
 * restart with the same provisioning file does not bring old ones back, and
 * a change made by another process reaches the running server in seconds.
 */
describe('agent tokens, department keys and accounts', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let admin: string;
  /** The department's key as last rotated. */
  let currentKey: string;
  const cliActor = `cli:${os.userInfo().username}`;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('secrets', {
      departments: 1,
      countersPerDepartment: 4,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    admin = await loginCookie(stack.url, 'admin', stack.createUser('admin', ['admin']));
  });

  afterAll(async () => {
    await cleanup?.();
  });

  const counter = (i: number) => stack.provisioned.counters[i]!;
  const fileToken = (i: number) => fs.readFileSync(counter(i).tokenFile, 'utf8');
  const department = () => stack.provisioned.departments[0]!;
  const cli = (...args: string[]) =>
    runAdmin([...args, '--data-dir', stack.dataDir], adminEnv(stack.dataDir));

  /** An agent socket that said hello with this token: open if accepted, closed if refused. */
  async function agentHello(counterId: string, token: string): Promise<{ ok: boolean; socket: RawSocket }> {
    const socket = new RawSocket(`${stack.url.replace('http', 'ws')}/ws/agent`);
    await socket.opened;
    socket.request(1, 'hello', {
      protocolVersion: 1,
      counterId,
      token,
      publisher: 'ffmpeg',
      agentVersion: 'test',
    });
    const reply = await socket.response(1);
    return { ok: reply.ok === true, socket };
  }
  const accepted = async (counterId: string, token: string): Promise<boolean> => {
    const { ok, socket } = await agentHello(counterId, token);
    socket.close();
    return ok;
  };
  const keyWorks = async (key: string): Promise<boolean> => {
    const res = await postEvents(stack.url, key, [
      {
        id: `probe-${Math.random().toString(36).slice(2)}`,
        departmentId: department().id,
        occurredAt: Date.now(),
        source: { id: 'probe', seq: Math.floor(Math.random() * 1e9) },
        type: 'counter.opened',
        counterId: counter(0).id,
      },
    ]);
    return res.status === 200;
  };

  it('a token or key rotated or revoked through the admin API stays so after a restart with the same file', async () => {
    const rotated = await send(stack.url, 'POST', `/api/v1/admin/counters/${counter(0).id}/token`, '{}', {
      cookie: admin,
    });
    const newToken = rotated.body.secret as string;
    expect(
      (
        await send(stack.url, 'DELETE', `/api/v1/admin/counters/${counter(1).id}/token`, undefined, {
          cookie: admin,
        })
      ).status,
    ).toBe(200);
    const newKey = (
      await send(stack.url, 'POST', `/api/v1/admin/departments/${department().id}/key`, '{}', {
        cookie: admin,
      })
    ).body.secret as string;
    expect(await keyWorks(department().apiKey)).toBe(false);

    await stack.stopServer();
    await stack.startServer();

    expect(await accepted(counter(0).id, fileToken(0))).toBe(false);
    expect(await accepted(counter(0).id, newToken)).toBe(true);
    expect(await accepted(counter(1).id, fileToken(1))).toBe(false);
    expect(await keyWorks(department().apiKey)).toBe(false);
    expect(await keyWorks(newKey)).toBe(true);
    currentKey = newKey;
    // A counter nobody changed keeps the file's token.
    expect(await accepted(counter(2).id, fileToken(2))).toBe(true);
  });

  it('the file still sets the secrets the database never changed', async () => {
    const file = JSON.parse(fs.readFileSync(stack.provisioned.directoryFile, 'utf8')) as {
      counters: { id: string; tokenHash?: string }[];
    };
    const replacement = 'a-new-token-from-the-provisioning-file-0123';
    for (const c of file.counters) {
      // The file now says new tokens for a changed counter (ignored) and for an unchanged one (applied).
      if (c.id === counter(0).id || c.id === counter(2).id) c.tokenHash = sha256Hash(replacement);
    }
    fs.writeFileSync(stack.provisioned.directoryFile, JSON.stringify(file));
    await stack.stopServer();
    await stack.startServer();
    expect(await accepted(counter(2).id, replacement)).toBe(true);
    expect(await accepted(counter(2).id, fileToken(2))).toBe(false);
    expect(await accepted(counter(0).id, replacement)).toBe(false);
  });

  it('the CLI rotating a token drops the connected agent and refuses the old token within seconds', async () => {
    const { ok, socket } = await agentHello(counter(3).id, fileToken(3));
    expect(ok).toBe(true);
    const newToken = cli('counter', 'token', '--counter', counter(3).id);
    const closed = await Promise.race([
      socket.closed,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000)),
    ]);
    expect(closed).toMatchObject({ code: 4403 });
    expect(await accepted(counter(3).id, fileToken(3))).toBe(false);
    expect(await accepted(counter(3).id, newToken)).toBe(true);
    const rows = auditRows(stack.dataDir, 'counter.token_rotate').filter(
      (r) => r.counter_id === counter(3).id,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actor).toBe(cliActor);
  });

  it('the CLI rotating a department key refuses the old key at once', async () => {
    const before = auditRows(stack.dataDir, 'department.key_rotate').length;
    const key = cli('department', 'key', '--department', department().id);
    await eventually('the new key works', async () => ((await keyWorks(key)) ? true : undefined), {
      timeoutMs: 5_000,
      intervalMs: 100,
    });
    expect(await keyWorks(currentKey)).toBe(false);
    const rows = auditRows(stack.dataDir, 'department.key_rotate');
    expect(rows).toHaveLength(before + 1);
    expect(rows.at(-1)!.actor).toBe(cliActor);
  });

  it('the CLI adding a user or resetting a password is on record, and a reset ends live console sockets', async () => {
    const password = cli(
      'user',
      'add',
      '--username',
      'clihead',
      '--roles',
      'head',
      '--departments',
      department().id,
    );
    const created = auditRows(stack.dataDir, 'account.create').filter((r) => r.object_id === 'clihead');
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ actor: cliActor, ip: null });
    expect(created[0]!.details).toMatchObject({ roles: ['head'], departmentIds: [department().id] });

    const cookie = await loginCookie(stack.url, 'clihead', password);
    const socket = new RawSocket(`${stack.url.replace('http', 'ws')}/ws/console`, {
      cookie,
      origin: stack.url,
    });
    await socket.opened;
    socket.request(1, 'hello', { protocolVersion: 1 });
    await socket.response(1);
    cli('user', 'reset-password', '--username', 'clihead');
    expect((await socket.closed).code).toBe(4403);
    const reset = auditRows(stack.dataDir, 'account.password_reset').filter((r) => r.object_id === 'clihead');
    expect(reset).toHaveLength(1);
    expect(reset[0]!.actor).toBe(cliActor);
    expect(
      (await send(stack.url, 'POST', '/api/v1/auth/login', JSON.stringify({ username: 'clihead', password })))
        .status,
    ).toBe(401);
  });

  it('the CLI refuses a department that does not exist, and writes nothing', async () => {
    expect(() =>
      cli('user', 'add', '--username', 'ghost', '--roles', 'head', '--departments', 'no-such-department'),
    ).toThrow(/unknown department no-such-department/);
    expect(auditRows(stack.dataDir, 'account.create').filter((r) => r.object_id === 'ghost')).toHaveLength(0);
  });
});

/**
 * Inspections are on record before they exist, end by themselves at their
 * maximum, and their stills are audited; audit rows name the client behind a
 * trusted reverse proxy, and only a trusted one.
 */
describe('inspections and client addresses', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let inspector: string;
  /** CW_INSPECTION_MAX_MINUTES for this stack: 12 s. */
  const MAX_MS = 12_000;

  beforeAll(async () => {
    ({ stack, cleanup } = await testStack('inspections', {
      departments: 1,
      countersPerDepartment: 3, // one per inspection test (see start)
      serverEnv: { CW_RECORDING: 'false', CW_INSPECTION_MAX_MINUTES: String(MAX_MS / 60_000) },
    }));
    inspector = await loginCookie(stack.url, 'inspector', stack.createUser('inspector', ['inspector']));
  });

  afterAll(async () => {
    await cleanup?.();
  });

  const counterId = (index = 0) => stack.provisioned.counters[index]!.id;
  const countInspections = () =>
    withDatabase(
      stack.dataDir,
      (db) => (db.prepare('SELECT count(*) AS n FROM inspections').get() as { n: number }).n,
    );
  // One counter per test: the same inspector pressing Inspect again on a counter resumes its open inspection (200).
  const start = async (counter = 0) => {
    const res = await send(
      stack.url,
      'POST',
      '/api/v1/inspections',
      JSON.stringify({ counterId: counterId(counter) }),
      {
        cookie: inspector,
      },
    );
    expect(res.status).toBe(201);
    return res.body.inspection as { id: number; startedAt: number };
  };

  it('an inspection is on record before it exists: no record, no inspection', async () => {
    const before = countInspections();
    const restore = failAuditAppends(stack.dataDir, 'inspection.start');
    try {
      const res = await send(
        stack.url,
        'POST',
        '/api/v1/inspections',
        JSON.stringify({ counterId: counterId() }),
        {
          cookie: inspector,
        },
      );
      expect(res).toMatchObject({ status: 503, body: { error: { code: 'unavailable' } } });
      expect(countInspections()).toBe(before);
    } finally {
      restore();
    }
    const { id } = await start();
    expect(
      auditRows(stack.dataDir, 'inspection.start').filter((r) => r.object_id === String(id)),
    ).toHaveLength(1);
  });

  it('viewing an inspection still is on record', async () => {
    const { id } = await start(1);
    const jpeg = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
      Buffer.alloc(64, 1),
      Buffer.from([0xff, 0xd9]),
    ]);
    const observed = await send(
      stack.url,
      'POST',
      `/api/v1/inspections/${id}/observations`,
      JSON.stringify({ note: 'queue jumped', still: `data:image/jpeg;base64,${jpeg.toString('base64')}` }),
      { cookie: inspector },
    );
    expect(observed.status).toBe(201);
    const before = auditCount(stack.dataDir, 'inspection.still_view', String(id));
    const res = await fetch(
      `${stack.url}/api/v1/inspections/${id}/observations/${observed.body.observationId as number}/still`,
      {
        headers: { cookie: inspector },
      },
    );
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(jpeg);
    expect(auditCount(stack.dataDir, 'inspection.still_view', String(id))).toBe(before + 1);
  });

  it('an inspection left open ends by itself at its maximum duration, on record as the system', async () => {
    const { id, startedAt } = await start(2);
    const ended = await eventually(
      'the inspection ended by itself',
      async () => {
        const { body } = await getJson(stack.url, `/api/v1/inspections/${id}`, inspector);
        const inspection = body.inspection as { endedAt: number | null; endedAutomatically: boolean };
        return inspection.endedAt === null ? undefined : inspection;
      },
      { timeoutMs: MAX_MS + 20_000 },
    );
    expect(ended).toMatchObject({ endedAt: startedAt + MAX_MS, endedAutomatically: true });
    const rows = auditRows(stack.dataDir, 'inspection.end').filter((r) => r.object_id === String(id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: 'system', ip: null });
    expect(rows[0]!.reason).toMatch(/automatically/);
    const report = await fetch(`${stack.url}/api/v1/inspections/${id}/report.html`, {
      headers: { cookie: inspector },
    });
    expect(await report.text()).toMatch(/Kết thúc tự động/);
    const late = await send(
      stack.url,
      'POST',
      `/api/v1/inspections/${id}/observations`,
      JSON.stringify({ note: 'x' }),
      {
        cookie: inspector,
      },
    );
    expect(late.status).toBe(409);
  });

  /** Starts watching the counter's grid video with a console socket; resolves once consuming. */
  async function watch(cookie: string, headers: Record<string, string>): Promise<RawSocket> {
    const socket = new RawSocket(`${stack.url.replace('http', 'ws')}/ws/console`, {
      cookie,
      origin: stack.url,
      ...headers,
    });
    await socket.opened;
    socket.request(1, 'hello', { protocolVersion: 1 });
    await socket.response(1);
    socket.request(2, 'routerCapabilities', {});
    const caps = ((await socket.response(2)).data as { rtpCapabilities: unknown }).rtpCapabilities;
    socket.request(3, 'createTransport', { departmentId: stack.provisioned.departments[0]!.id });
    const { transportId } = (await socket.response(3)).data as { transportId: string };
    let id = 10;
    await eventually(
      'consuming',
      async () => {
        socket.request(++id, 'consume', {
          transportId,
          counterId: counterId(),
          track: 'grid',
          rtpCapabilities: caps,
        });
        return (await socket.response(id)).ok ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
    return socket;
  }

  it('a forwarded address counts only from a trusted proxy (CW_TRUST_PROXY), for REST and the console socket alike', async () => {
    await stack.startAgent(counterId());
    const password = stack.createUser('viewer', ['director']);
    const forwarded = { 'x-forwarded-for': '203.0.113.9' };
    const lastIp = (action: string) => auditRows(stack.dataDir, action).at(-1)!.ip;

    // Off by default: whoever connects is who is recorded.
    const login = await send(
      stack.url,
      'POST',
      '/api/v1/auth/login',
      JSON.stringify({ username: 'viewer', password }),
      forwarded,
    );
    expect(login.status).toBe(200);
    expect(lastIp('auth.login')).toBe('127.0.0.1');
    let cookie = await loginCookie(stack.url, 'viewer', password);
    let socket = await watch(cookie, forwarded);
    expect(lastIp('live.view_start')).toBe('127.0.0.1');
    socket.close();

    await stack.stopServer();
    await stack.startServer({ CW_TRUST_PROXY: 'loopback' });
    // A client's own X-Forwarded-For entries are not believed: the address the trusted proxy saw is.
    const viaProxy = { 'x-forwarded-for': '198.51.100.66, 203.0.113.9' };
    const proxied = await send(
      stack.url,
      'POST',
      '/api/v1/auth/login',
      JSON.stringify({ username: 'viewer', password }),
      viaProxy,
    );
    expect(proxied.status).toBe(200);
    expect(lastIp('auth.login')).toBe('203.0.113.9');
    cookie = await loginCookie(stack.url, 'viewer', password);
    socket = await watch(cookie, viaProxy);
    expect(lastIp('live.view_start')).toBe('203.0.113.9');
    socket.close();
  });
});
