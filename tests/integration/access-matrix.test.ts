import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  AlertListSchema,
  CONSOLE_PAGES,
  DirectoryNamesSchema,
  InteractionSchema,
  MediaNodesSchema,
  RouteListSchema,
  type RouteInfo as Route,
} from '@counterwatch/shared';
import type { Stack } from '@counterwatch/demo';
import { RawSocket } from '../support/agentSocket.js';
import { withDatabase } from '../support/audit.js';
import { eventually, launchChromium, login } from '../support/browser.js';
import { enrolDevice } from '../support/devices.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { events, postEvents } from '../support/queue.js';
import type { TestClock } from '../support/clock.js';
import { testStack } from '../support/stack.js';

/** Routes anyone may call (they authenticate otherwise, or not at all). */
const PUBLIC = new Set([
  'GET /api/v1/health',
  'POST /api/v1/auth/login',
  // answers whether the caller is logged in: the user, or null
  'GET /api/v1/auth/session',
  'POST /api/v1/device/enroll',
  // a counter's one-time code for its agent token (counterwatch-agent enroll)
  'POST /api/v1/agent/enroll',
]);
const DEVICE = /^\/api\/v1\/(device|events)(\/|$)/;

/**
 * Every REST route is tried without a session, with a revoked and an expired
 * session, by a user of another department and by a user whose role does
 * not fit: none of it may succeed or leak the department's data. Then SQL
 * injection, path traversal, the sockets, and HTML in names.
 */
describe('access control matrix', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let routes: Route[];
  let A: Stack['provisioned']['departments'][number];
  let B: Stack['provisioned']['departments'][number];
  const cookies = {} as Record<
    'director' | 'admin' | 'headB' | 'inspectorB' | 'auditor' | 'revoked' | 'expired',
    string
  >;
  let ids: Record<string, string>;
  /** Department B's kiosk: a device of another department. */
  let kioskB: string;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('matrix', { departments: 2, countersPerDepartment: 2 }));
    [A, B] = stack.provisioned.departments as [typeof A, typeof B];
    const password = (u: string, roles: string[], departments?: string[]) =>
      stack.createUser(u, roles, departments);
    cookies.director = await loginCookie(stack.url, 'director', password('director', ['director']));
    cookies.admin = await loginCookie(stack.url, 'admin', password('admin', ['admin']));
    cookies.headB = await loginCookie(stack.url, 'headb', password('headb', ['head'], [B.id]));
    cookies.inspectorB = await loginCookie(
      stack.url,
      'inspectorb',
      password('inspectorb', ['inspector'], [B.id]),
    );
    cookies.auditor = await loginCookie(stack.url, 'auditor', password('auditor', ['auditor']));
    const revokedPassword = password('revoked', ['director']);
    cookies.revoked = await loginCookie(stack.url, 'revoked', revokedPassword);
    await send(stack.url, 'POST', '/api/v1/auth/logout', '{}', { cookie: cookies.revoked });
    cookies.expired = await loginCookie(stack.url, 'expired', password('expired', ['director']));
    withDatabase(stack.dataDir, (db) =>
      db
        .prepare(
          "UPDATE sessions SET expires_at = 1 WHERE user_id = (SELECT id FROM users WHERE username = 'expired')",
        )
        .run(),
    );

    // Objects of department A: an alert, an interaction (flagged), an inspection with an observation.
    const c1 = A.counters[0]!.id;
    const e = events(A.id, 'qs', 'mx', clock.now);
    const now = clock.now();
    await postEvents(stack.url, A.apiKey, [
      e({ type: 'counter.opened', counterId: c1 }, now - 60 * 60_000),
      e(
        { type: 'ticket.issued', ticketId: 'mx-t1', ticketNumber: 'A001', serviceCode: 'id-card' },
        now - 50 * 60_000,
      ),
      e(
        { type: 'ticket.issued', ticketId: 'mx-t2', ticketNumber: 'A002', serviceCode: 'id-card' },
        now - 40 * 60_000,
      ),
      e({ type: 'ticket.called', ticketId: 'mx-t2', counterId: c1 }, now - 20 * 60_000),
      e({ type: 'service.started', ticketId: 'mx-t2', counterId: c1 }, now - 19 * 60_000),
      e(
        { type: 'service.finished', ticketId: 'mx-t2', counterId: c1, outcome: 'completed' },
        now - 2 * 60_000,
      ),
      e({ type: 'rating.submitted', ticketId: 'mx-t2', counterId: c1, rating: 'unsatisfied' }, now - 60_000),
    ]);
    const alert = await eventually('an alert in A', async () => {
      const r = await getJson(stack.url, `/api/v1/alerts?departmentId=${A.id}`, cookies.director);
      return AlertListSchema.parse(r.body).alerts[0];
    });
    const interaction = await eventually('a flagged interaction in A', async () => {
      const r = await getJson(stack.url, `/api/v1/reviews?departmentId=${A.id}`, cookies.director);
      const list = (r.body.interactions as unknown[] | undefined) ?? [];
      return list.length ? InteractionSchema.parse(list[0]) : undefined;
    });
    const inspection = await send(
      stack.url,
      'POST',
      '/api/v1/inspections',
      JSON.stringify({ counterId: c1 }),
      { cookie: cookies.director },
    );
    const inspectionId = (inspection.body.inspection as { id: number }).id;
    const still = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xd9]).toString('base64')}`;
    const observation = await send(
      stack.url,
      'POST',
      `/api/v1/inspections/${inspectionId}/observations`,
      JSON.stringify({ note: 'x', still }),
      {
        cookie: cookies.director,
      },
    );
    const sessions = (await getJson(stack.url, '/api/v1/admin/sessions', cookies.admin)).body.sessions as {
      id: string;
      username: string;
    }[];
    const users = (await getJson(stack.url, '/api/v1/admin/users', cookies.admin)).body.users as {
      id: number;
      username: string;
    }[];
    ids = {
      alert: String(alert.id),
      interaction: String(interaction.id),
      inspection: String(inspectionId),
      observation: String(observation.body.observationId),
      counter: c1,
      department: A.id,
      user: String(users.find((u) => u.username === 'director')!.id),
      session: sessions.find((s) => s.username === 'director')!.id,
    };
    routes = RouteListSchema.parse(
      (await getJson(stack.url, '/api/v1/admin/routes', cookies.admin)).body,
    ).routes.filter((r) => r.path.startsWith('/api/v1'));
    kioskB = (await enrolDevice(stack.url, cookies.admin, { departmentId: B.id, kind: 'kiosk' })).token;
  });

  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  const fill = (path: string): string =>
    path
      .replace(':observationId', ids.observation!)
      .replace(/\/alerts\/:id/, `/alerts/${ids.alert}`)
      .replace(/\/interactions\/:id/, `/interactions/${ids.interaction}`)
      .replace(/\/inspections\/:id/, `/inspections/${ids.inspection}`)
      .replace(/\/departments\/:id/, `/departments/${ids.department}`)
      .replace(/\/users\/:id/, `/users/${ids.user}`)
      .replace(/\/sessions\/:id/, `/sessions/${ids.session}`)
      .replace(/\/counters\/:id/, `/counters/${ids.counter}`)
      .replace(':counterId', ids.counter!)
      .replace(':token', 'not-a-token');

  /** A valid body per route, so that only access control can refuse it. */
  const body = (r: Route): string | undefined => {
    if (r.method === 'GET' || r.method === 'DELETE') return undefined;
    if (r.path.endsWith('/resolve')) return JSON.stringify({ note: 'n', evenIfHolding: true });
    if (r.path.endsWith('/snooze')) return JSON.stringify({ for: '15m' });
    if (r.path.endsWith('/decision')) return JSON.stringify({ finding: 'no_issue', note: 'n', keep: false });
    if (r.path.endsWith('/flag')) return JSON.stringify({ note: 'n' });
    if (r.path.endsWith('/thresholds')) return JSON.stringify({});
    if (r.path === '/api/v1/inspections') return JSON.stringify({ counterId: ids.counter });
    if (r.path.endsWith('/observations')) return JSON.stringify({ note: 'n' });
    if (r.path.endsWith('/end')) return JSON.stringify({ results: {}, notes: '' });
    if (r.path.endsWith('/draft')) return JSON.stringify({ results: {}, notes: '', officerName: '' });
    if (r.path.endsWith('/complaints/candidates'))
      return JSON.stringify({ departmentId: ids.department, at: clock.now(), description: 'd' });
    if (r.path.endsWith('/complaints'))
      return JSON.stringify({ interactionId: Number(ids.interaction), description: 'd' });
    return '{}';
  };

  it('serves every console page on its own (a reload or a deep link), and 404 elsewhere', async () => {
    for (const page of [...CONSOLE_PAGES, '/reviews/1', '/inspections/1']) {
      const res = await fetch(`${stack.url}${page}`);
      expect(res.status, page).toBe(200);
      expect(res.headers.get('content-type'), page).toMatch(/^text\/html/);
      await res.body?.cancel();
    }
    for (const other of ['/pressures', '/nope', '/.env', '/api/v1/nope']) {
      const res = await fetch(`${stack.url}${other}`);
      expect(res.status, other).toBe(404);
      await res.body?.cancel();
    }
  });

  it('lists the API surface', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /api/v1/overview',
        'POST /api/v1/interactions/:id/playback',
        'GET /api/v1/audit/verify',
      ]),
    );
  });

  it('one process has no media nodes: the IT officer is told so, and a drain finds no node', async () => {
    const res = await getJson(stack.url, '/api/v1/nodes', cookies.admin);
    expect(res.status).toBe(200);
    expect(MediaNodesSchema.parse(res.body)).toMatchObject({ role: 'all', nodes: [], placements: {} });
    const drain = await send(stack.url, 'POST', '/api/v1/nodes/m1/drain', '{}', { cookie: cookies.admin });
    expect(drain.status).toBe(404);
  });

  it('no session, a revoked or an expired session: every route says 401', async () => {
    const failures: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if (PUBLIC.has(key) || DEVICE.test(r.path)) continue;
      for (const who of ['anonymous', 'revoked', 'expired']) {
        const res = await send(
          stack.url,
          r.method,
          fill(r.path),
          body(r),
          who === 'anonymous' ? {} : { cookie: cookies[who as keyof typeof cookies] },
        );
        if (res.status !== 401) failures.push(`${who} ${key} → ${res.status}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('directory names follow the scope: a head sees its department, the auditor every one', async () => {
    const names = async (who: keyof typeof cookies) => {
      const res = await getJson(stack.url, '/api/v1/directory/names', cookies[who]);
      expect(res.status).toBe(200);
      return { raw: res.body, parsed: DirectoryNamesSchema.parse(res.body) };
    };
    const head = (await names('headB')).parsed;
    expect(head.departments.map((d) => d.id)).toEqual([B.id]);
    expect(new Set(head.counters.map((c) => c.departmentId))).toEqual(new Set([B.id]));
    const auditor = await names('auditor');
    expect(auditor.parsed.departments.map((d) => d.id).sort()).toEqual([A.id, B.id].sort());
    // Names only, checked on the raw body (parsing would drop extra fields).
    const rawCounters = auditor.raw.counters as Record<string, unknown>[];
    expect(rawCounters.length).toBe(auditor.parsed.counters.length);
    for (const c of rawCounters) expect(Object.keys(c).sort()).toEqual(['departmentId', 'id', 'name']);
  });

  it('users of another department or another role get nothing of department A', async () => {
    const failures: string[] = [];
    const leaks = (text: string): boolean =>
      text.includes(A.id) || A.counters.some((c) => text.includes(c.id));
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      if (PUBLIC.has(key) || DEVICE.test(r.path) || r.path.startsWith('/api/v1/auth/')) continue;
      for (const who of ['headB', 'inspectorB', 'auditor']) {
        // Auditors read the audit trail by design; it names every department, and the audit
        // page shows those ids by name (names only: no counts, no media, no people).
        if (who === 'auditor' && (r.path.startsWith('/api/v1/audit') || r.path === '/api/v1/directory/names'))
          continue;
        const res = await send(stack.url, r.method, fill(r.path), body(r), {
          cookie: cookies[who as keyof typeof cookies],
        });
        const text = JSON.stringify(res.body);
        if (res.status < 400 && (r.method !== 'GET' || leaks(text)))
          failures.push(`${who} ${key} → ${res.status} ${text.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
    // Nothing was changed on the way.
    const thresholds = await getJson(stack.url, `/api/v1/departments/${A.id}/thresholds`, cookies.director);
    expect(thresholds.body.thresholds).toMatchObject({ longestWaitMinutes: 30 });
    const alerts = AlertListSchema.parse(
      (await getJson(stack.url, `/api/v1/alerts?departmentId=${A.id}&state=open`, cookies.director)).body,
    );
    expect(alerts.alerts.map((a) => String(a.id))).toContain(ids.alert);
  });

  it('device routes: no key, a bad key, another department’s key or device get nothing of A', async () => {
    const failures: string[] = [];
    for (const r of routes.filter((x) => DEVICE.test(x.path) && !PUBLIC.has(`${x.method} ${x.path}`))) {
      const events = r.path.endsWith('/events');
      for (const [who, key] of [
        ['none', ''],
        ['bad', 'x'.repeat(43)],
        // A's own queue-system key opens no device route; B's device and B's key reach nothing of A.
        ...(events ? [] : [['A-key', A.apiKey] as const]),
        ['B', events ? B.apiKey : kioskB],
      ] as const) {
        const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
        const payload =
          r.method === 'GET'
            ? undefined
            : r.path.endsWith('/events')
              ? JSON.stringify({
                  events: [
                    {
                      id: 'mx-evil',
                      departmentId: A.id,
                      occurredAt: clock.now(),
                      source: { id: 'x', seq: 1 },
                      type: 'counter.closed',
                      counterId: ids.counter,
                    },
                  ],
                })
              : r.path.endsWith('/actions')
                ? JSON.stringify({ action: 'close' })
                : r.path.endsWith('/rating')
                  ? JSON.stringify({ ticketId: 'mx-t2', rating: 'satisfied' })
                  : r.path.endsWith('/tickets')
                    ? JSON.stringify({ serviceCode: 'id-card' })
                    : body(r);
        const res = await send(stack.url, r.method, fill(r.path), payload, headers);
        const text = JSON.stringify(res.body);
        const accepted = (res.body as { accepted?: number }).accepted ?? 0;
        const leaked = text.includes(A.id) && !text.includes('does not match');
        if (
          (res.status < 400 && (who !== 'B' || leaked || accepted > 0)) ||
          (who !== 'B' && res.status !== 401)
        ) {
          failures.push(`${who} ${r.method} ${r.path} → ${res.status} ${text.slice(0, 100)}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('a clip link works only for the session it was issued to', async () => {
    const granted = await send(stack.url, 'POST', `/api/v1/interactions/${ids.interaction}/playback`, '{}', {
      cookie: cookies.director,
    });
    // No recording in this window is fine (503/404); a link, when there is one, is personal.
    if (granted.status !== 200) {
      expect([404, 503]).toContain(granted.status);
      return;
    }
    const url = granted.body.url as string;
    expect((await fetch(`${stack.url}${url}`, { headers: { cookie: cookies.director } })).status).toBe(200);
    for (const who of ['headB', 'auditor', 'admin']) {
      expect(
        (await fetch(`${stack.url}${url}`, { headers: { cookie: cookies[who as keyof typeof cookies] } }))
          .status,
        who,
      ).toBe(404);
    }
    expect((await fetch(`${stack.url}${url}`)).status).toBe(401);
  });

  it('SQL injection in any parameter is refused without SQL error text', async () => {
    const payloads = [
      "1' OR '1'='1",
      '1; DROP TABLE users; --',
      "' UNION SELECT password_hash FROM users --",
      '%',
      '\\',
    ];
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.method === 'GET')) {
      for (const p of payloads) {
        const encoded = encodeURIComponent(p);
        const withParams = r.path.replace(/:\w+/g, encoded);
        const query = ['departmentId', 'counterId', 'state', 'from', 'actor', 'action', 'rule', 'severity']
          .map((q) => `${q}=${encoded}`)
          .join('&');
        const res = await send(stack.url, 'GET', `${withParams}?${query}`, undefined, {
          cookie: cookies.director,
        });
        const text = JSON.stringify(res.body);
        if (res.status >= 500 || /sqlite|syntax error|SQL/i.test(text))
          failures.push(`${r.path} ${p} → ${res.status} ${text.slice(0, 80)}`);
      }
    }
    expect(failures).toEqual([]);
    expect((await getJson(stack.url, '/api/v1/admin/users', cookies.admin)).status).toBe(200);
  });

  it('path traversal reaches no file outside the served roots', async () => {
    const attempts = [
      '/../../../../etc/passwd',
      '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/api/v1/files/..%2f..%2f..%2fetc%2fpasswd',
      '/api/v1/files/%2e%2e%2f%2e%2e%2fcounterwatch.db',
      '/api/v1/files//etc/passwd',
      `/api/v1/inspections/${ids.inspection}/observations/..%2f..%2f/still`,
      `/api/v1/inspections/${ids.inspection}/observations/%2Fetc%2Fpasswd/still`,
      '/..%5c..%5c..%5cetc%5cpasswd',
    ];
    for (const path of attempts) {
      const res = await fetch(`${stack.url}${path}`, { headers: { cookie: cookies.director } });
      const text = await res.text();
      expect(text, path).not.toMatch(/root:x:0:0|SQLite format/);
    }
  });

  it('sockets: no session, a revoked session, or another department get nothing', async () => {
    const ws = stack.url.replace('http', 'ws');
    await expect(new RawSocket(`${ws}/ws/console`, { origin: stack.url }).opened).rejects.toThrow(/401/);
    await expect(
      new RawSocket(`${ws}/ws/console`, { origin: stack.url, cookie: cookies.revoked }).opened,
    ).rejects.toThrow(/401/);
    await expect(
      new RawSocket(`${ws}/ws/console`, { origin: stack.url, cookie: cookies.expired }).opened,
    ).rejects.toThrow(/401/);
    const s = new RawSocket(`${ws}/ws/console`, { origin: stack.url, cookie: cookies.headB });
    await s.opened;
    s.request(1, 'hello', { protocolVersion: 1 });
    const snapshot = await s.response(1);
    expect(JSON.stringify(snapshot)).not.toContain(A.id);
    s.request(2, 'createTransport', { departmentId: A.id });
    expect(await s.response(2)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    s.request(3, 'consume', {
      transportId: 'x',
      counterId: ids.counter,
      track: 'focus',
      rtpCapabilities: {},
    });
    expect(await s.response(3)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    s.close();
  });

  it('renders counter names with HTML in them as text', async () => {
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>Quầy';
    const file = JSON.parse(fs.readFileSync(stack.provisioned.directoryFile, 'utf8')) as {
      counters: { id: string; name: string }[];
    };
    file.counters.find((c) => c.id === A.counters[1]!.id)!.name = evil;
    fs.writeFileSync(stack.provisioned.directoryFile, JSON.stringify(file));
    await stack.stopServer();
    await stack.startServer();
    browser = await launchChromium();
    const page = await browser.newPage();
    let dialog = false;
    page.on('dialog', (d) => {
      dialog = true;
      void d.dismiss();
    });
    const password = stack.createUser('viewer', ['director']);
    await login(page, stack.url, 'viewer', password);
    const name = page.locator(`.tile[data-counter-id="${A.counters[1]!.id}"] .tile-name`);
    await name.waitFor();
    // Shown as text (the wall puts the department's short name first where it spans departments).
    const shown = (await name.textContent()) ?? '';
    expect(shown === evil || shown.endsWith(` · ${evil}`), shown).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialog).toBe(false);
  });
});
