import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_ADMIN, type Stack } from '@counterwatch/demo';
import { AlertListSchema, AuditVerificationSchema, InteractionSchema } from '@counterwatch/shared';
import { RawSocket } from '../support/agentSocket.js';
import { adminEnv, auditCount, dropAuditGuards, failAuditAppends, withDatabase } from '../support/audit.js';
import { eventually } from '../support/browser.js';
import { getJson, loginCookie, send } from '../support/http.js';
import { events, postEvents } from '../support/queue.js';
import type { TestClock } from '../support/clock.js';
import { testStack } from '../support/stack.js';

/**
 * Every audited action leaves exactly one row; the chain detects an edited
 * or deleted row; an action whose row cannot be written does not happen.
 */
describe('audit trail', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let director: string;
  let inspector: string;
  let admin: string;
  let dept: Stack['provisioned']['departments'][number];
  const MIN = 60_000;

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('audit', {
      departments: 1,
      countersPerDepartment: 2,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    dept = stack.provisioned.departments[0]!;
    director = await loginCookie(stack.url, 'director', stack.createUser('director', ['director']));
    inspector = await loginCookie(stack.url, 'inspector', stack.createUser('inspector', ['inspector']));
    admin = await loginCookie(stack.url, 'admin', stack.createUser('admin', ['admin']));
  });

  afterAll(async () => {
    await cleanup?.();
  });

  /** Runs an action and checks it added exactly one row of `action`. */
  async function once(action: string, run: () => Promise<unknown>): Promise<void> {
    const before = auditCount(stack.dataDir, action);
    await run();
    expect(auditCount(stack.dataDir, action), action).toBe(before + 1);
  }

  it('records logins, failed logins and logouts', async () => {
    const password = stack.createUser('someone', ['auditor']);
    await once('auth.login_failed', () =>
      send(
        stack.url,
        'POST',
        '/api/v1/auth/login',
        JSON.stringify({ username: 'someone', password: 'wrong' }),
      ),
    );
    let cookie = '';
    await once('auth.login', async () => {
      cookie = await loginCookie(stack.url, 'someone', password);
    });
    await once('auth.logout', () => send(stack.url, 'POST', '/api/v1/auth/logout', '{}', { cookie }));
  });

  it('records the start and stop of a live view and of audio listening', async () => {
    const counter = stack.provisioned.counters[0]!;
    await stack.startAgent(counter.id);
    const s = new RawSocket(`${stack.url.replace('http', 'ws')}/ws/console`, {
      cookie: director,
      origin: stack.url,
    });
    await s.opened;
    s.request(1, 'hello', { protocolVersion: 1 });
    await s.response(1);
    s.request(2, 'routerCapabilities', {});
    const caps = (await s.response(2)).data as { rtpCapabilities: unknown };
    s.request(3, 'createTransport', { departmentId: dept.id });
    const transport = (await s.response(3)).data as { transportId: string };
    await eventually(
      'counter online',
      async () => {
        s.request(4, 'consume', {
          transportId: transport.transportId,
          counterId: counter.id,
          track: 'grid',
          rtpCapabilities: caps.rtpCapabilities,
        });
        const r = await s.response(4);
        return r.ok ? r : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(auditCount(stack.dataDir, 'live.view_start')).toBe(1);
    s.request(5, 'consume', {
      transportId: transport.transportId,
      counterId: counter.id,
      track: 'audio',
      rtpCapabilities: caps.rtpCapabilities,
    });
    const audio = (await s.response(5)).data as { consumerId: string };
    expect(auditCount(stack.dataDir, 'live.audio_start')).toBe(1);
    await once('live.audio_stop', async () => {
      s.request(6, 'closeConsumer', { consumerId: audio.consumerId });
      await s.response(6);
    });
    await once('live.view_stop', async () => {
      s.close();
      await s.closed;
      await eventually('stop recorded', async () =>
        auditCount(stack.dataDir, 'live.view_stop') > 0 ? true : undefined,
      );
    });
  });

  it('records alert handling, thresholds, the checklist and inspections', async () => {
    const e = events(dept.id, 'qs', 'aud', clock.now);
    const c1 = dept.counters[0]!.id;
    await postEvents(stack.url, dept.apiKey, [
      e({ type: 'counter.opened', counterId: c1 }, clock.now() - 60 * MIN),
      e(
        { type: 'ticket.issued', ticketId: 'aud-t1', ticketNumber: 'A001', serviceCode: 'id-card' },
        clock.now() - 45 * MIN,
      ),
    ]);
    const alert = await eventually('alert', async () => {
      const res = await getJson(stack.url, '/api/v1/alerts?state=open&rule=longest_wait', director);
      return AlertListSchema.parse(res.body).alerts[0];
    });
    await once('alert.acknowledge', () =>
      send(stack.url, 'POST', `/api/v1/alerts/${alert.id}/acknowledge`, '{}', { cookie: director }),
    );
    await once('alert.snooze', () =>
      send(stack.url, 'POST', `/api/v1/alerts/${alert.id}/snooze`, JSON.stringify({ for: '15m' }), {
        cookie: director,
      }),
    );
    await once('alert.resolve', () =>
      // The ticket still waits: resolving needs saying "even though it holds".
      send(
        stack.url,
        'POST',
        `/api/v1/alerts/${alert.id}/resolve`,
        JSON.stringify({ note: 'xử lý xong', evenIfHolding: true }),
        { cookie: director },
      ),
    );
    const thresholdsPath = `/api/v1/departments/${dept.id}/thresholds`;
    const t = (await getJson(stack.url, thresholdsPath, director)).body.thresholds;
    await once('config.thresholds', () =>
      send(stack.url, 'PUT', thresholdsPath, JSON.stringify(t), { cookie: director }),
    );
    const checklist = (await getJson(stack.url, '/api/v1/inspections/checklist', inspector)).body.checklist;
    await once('config.checklist', () =>
      send(stack.url, 'PUT', '/api/v1/inspections/checklist', JSON.stringify({ checklist }), {
        cookie: admin,
      }),
    );

    let id = 0;
    await once('inspection.start', async () => {
      const r = await send(stack.url, 'POST', '/api/v1/inspections', JSON.stringify({ counterId: c1 }), {
        cookie: inspector,
      });
      id = (r.body.inspection as { id: number }).id;
    });
    await once('inspection.observation', () =>
      send(
        stack.url,
        'POST',
        `/api/v1/inspections/${id}/observations`,
        JSON.stringify({ note: 'Cán bộ không đeo phù hiệu' }),
        {
          cookie: inspector,
        },
      ),
    );
    await once('inspection.end', () =>
      send(
        stack.url,
        'POST',
        `/api/v1/inspections/${id}/end`,
        JSON.stringify({ results: { uniform: 'fail' }, notes: 'Nhắc nhở' }),
        {
          cookie: inspector,
        },
      ),
    );
    await once('inspection.report_view', () =>
      fetch(`${stack.url}/api/v1/inspections/${id}/report.html`, { headers: { cookie: inspector } }),
    );
  });

  it('records flags, complaints and review decisions', async () => {
    const e = events(dept.id, 'panel', 'rev', clock.now);
    const c2 = dept.counters[1]!.id;
    const now = clock.now();
    await postEvents(stack.url, dept.apiKey, [
      e(
        {
          type: 'ticket.issued',
          ticketId: 'rev-t1',
          ticketNumber: 'B001',
          serviceCode: 'permanent-residence',
        },
        now - 20 * MIN,
      ),
      e({ type: 'ticket.called', ticketId: 'rev-t1', counterId: c2 }, now - 15 * MIN),
      e({ type: 'service.started', ticketId: 'rev-t1', counterId: c2 }, now - 14 * MIN),
      e({ type: 'service.finished', ticketId: 'rev-t1', counterId: c2, outcome: 'completed' }, now - 5 * MIN),
    ]);
    const candidates = await eventually('interaction recorded', async () => {
      const r = await send(
        stack.url,
        'POST',
        '/api/v1/complaints/candidates',
        JSON.stringify({ departmentId: dept.id, counterId: c2, at: now - 10 * MIN, description: 'x' }),
        { cookie: director },
      );
      const list = (r.body.candidates as unknown[] | undefined) ?? [];
      return list.length > 0 ? list.map((c) => InteractionSchema.parse(c)) : undefined;
    });
    const interaction = candidates[0]!;
    await once('interaction.complaint', () =>
      send(
        stack.url,
        'POST',
        '/api/v1/complaints',
        JSON.stringify({ interactionId: interaction.id, description: 'Công dân phản ánh bị gây khó dễ' }),
        { cookie: director },
      ),
    );
    await once('interaction.flag', () =>
      send(
        stack.url,
        'POST',
        `/api/v1/interactions/${interaction.id}/flag`,
        JSON.stringify({ note: 'xem lại' }),
        { cookie: director },
      ),
    );
    await once('review.decision', () =>
      send(
        stack.url,
        'POST',
        `/api/v1/interactions/${interaction.id}/decision`,
        JSON.stringify({ finding: 'reminder', note: 'Nhắc nhở cán bộ' }),
        { cookie: director },
      ),
    );
  });

  it('records account, session, token and key changes', async () => {
    let userId = 0;
    await once('account.create', async () => {
      const r = await send(
        stack.url,
        'POST',
        '/api/v1/admin/users',
        JSON.stringify({
          username: 'newhead',
          displayName: 'Trưởng mới',
          roles: ['head'],
          departmentIds: [dept.id],
        }),
        { cookie: admin },
      );
      expect(r.status).toBe(201);
      userId = (r.body.user as { id: number }).id;
    });
    await once('account.update', () =>
      send(
        stack.url,
        'PATCH',
        `/api/v1/admin/users/${userId}`,
        JSON.stringify({ displayName: 'Trưởng phòng mới' }),
        { cookie: admin },
      ),
    );
    await once('account.password_reset', () =>
      send(stack.url, 'POST', `/api/v1/admin/users/${userId}/reset-password`, '{}', { cookie: admin }),
    );
    const sessions = (await getJson(stack.url, '/api/v1/admin/sessions', admin)).body.sessions as {
      id: string;
      username: string;
    }[];
    const victim = sessions.find((s) => s.username === 'inspector')!;
    await once('session.revoke', () =>
      send(stack.url, 'POST', `/api/v1/admin/sessions/${victim.id}/revoke`, '{}', { cookie: admin }),
    );
    expect((await getJson(stack.url, '/api/v1/inspections', inspector)).status).toBe(401);
    const counter = stack.provisioned.counters[1]!.id;
    await once('counter.token_rotate', () =>
      send(stack.url, 'POST', `/api/v1/admin/counters/${counter}/token`, '{}', { cookie: admin }),
    );
    await once('counter.token_revoke', () =>
      send(stack.url, 'DELETE', `/api/v1/admin/counters/${counter}/token`, undefined, { cookie: admin }),
    );
    await once('department.key_rotate', () =>
      send(stack.url, 'POST', `/api/v1/admin/departments/${dept.id}/key`, '{}', { cookie: admin }),
    );
    const auditor = await loginCookie(stack.url, 'auditor1', stack.createUser('auditor1', ['auditor']));
    await once('audit.export', async () => {
      const res = await fetch(`${stack.url}/api/v1/audit/export.csv`, { headers: { cookie: auditor } });
      expect(res.status).toBe(200);
      const csv = await res.text();
      expect(csv).toContain('account.create');
    });
  });

  it('verifies the chain, and detects a deleted and an edited row', async () => {
    const auditor = await loginCookie(stack.url, 'auditor2', stack.createUser('auditor2', ['auditor']));
    const verify = async () =>
      AuditVerificationSchema.parse((await getJson(stack.url, '/api/v1/audit/verify', auditor)).body);
    const intact = await verify();
    expect(intact).toMatchObject({ ok: true, firstBadSeq: null });
    const cli = (...extra: string[]) =>
      spawnSync(process.execPath, [SERVER_ADMIN, 'audit', 'verify', '--data-dir', stack.dataDir, ...extra], {
        encoding: 'utf8',
        env: adminEnv(stack.dataDir),
      });
    const first = cli();
    expect(first.status).toBe(0);
    // The CLI prints the head as an anchor to keep elsewhere; it is the same the console shows.
    const anchor = /head (\d+:[0-9a-f]{64})/.exec(first.stdout)?.[1];
    expect(anchor).toBeDefined();
    expect(Number(anchor!.split(':')[0])).toBeGreaterThanOrEqual(intact.headSeq);
    expect(cli('--anchor', anchor!).status).toBe(0);
    expect(cli('--anchor', 'yesterday').status).toBe(64);

    // Truncation with the head moved back: the chain alone still holds, the anchor does not.
    const anchorSeq = Number(anchor!.split(':')[0]);
    dropAuditGuards(stack.dataDir);
    withDatabase(stack.dataDir, (db) => {
      const last = db.prepare('SELECT seq, hash FROM audit_log WHERE seq = ?').get(anchorSeq - 1) as {
        seq: number;
        hash: string;
      };
      db.prepare('DELETE FROM audit_log WHERE seq >= ?').run(anchorSeq);
      db.prepare('UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1').run(last.seq, last.hash);
    });
    expect(cli().status).toBe(0);
    const truncated = cli('--anchor', anchor!);
    expect(truncated.status).toBe(2);
    expect(truncated.stdout).toMatch(
      new RegExp(`BROKEN at row ${anchorSeq}: rows ${anchorSeq}–${anchorSeq} are missing`),
    );
    const viaRest = AuditVerificationSchema.parse(
      (await getJson(stack.url, `/api/v1/audit/verify?anchor=${anchor!}`, auditor)).body,
    );
    expect(viaRest).toMatchObject({ ok: false, firstBadSeq: anchorSeq });

    // Someone with write access to the file removes a row…
    withDatabase(stack.dataDir, (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq = 5').run();
    });
    const afterDelete = await verify();
    expect(afterDelete).toMatchObject({ ok: false, firstBadSeq: 5 });
    expect(afterDelete.problem).toMatch(/missing/);
    // …and changes who did something earlier.
    withDatabase(stack.dataDir, (db) => {
      db.prepare("UPDATE audit_log SET actor = 'nobody' WHERE seq = 3").run();
    });
    const afterEdit = await verify();
    expect(afterEdit).toMatchObject({ ok: false, firstBadSeq: 3 });
    expect(afterEdit.problem).toMatch(/altered/);
    const result = cli();
    expect(result.status).toBe(2);
    expect(result.stdout).toMatch(/BROKEN at row 3/);
  });

  it('refuses the action when its audit row cannot be written', async () => {
    const fresh = await testStack('audit-refuse', {
      departments: 1,
      countersPerDepartment: 1,
      serverEnv: { CW_RECORDING: 'false' },
    });
    try {
      const d = fresh.stack.provisioned.departments[0]!;
      const password = fresh.stack.createUser('director', ['director']);
      const cookie = await loginCookie(fresh.stack.url, 'director', password);
      const path = `/api/v1/departments/${d.id}/thresholds`;
      const before = (await getJson(fresh.stack.url, path, cookie)).body.thresholds as Record<string, number>;
      failAuditAppends(fresh.stack.dataDir);
      const res = await send(
        fresh.stack.url,
        'PUT',
        path,
        JSON.stringify({ ...before, longestWaitMinutes: 99 }),
        { cookie },
      );
      expect(res).toMatchObject({ status: 503, body: { error: { code: 'unavailable' } } });
      expect((await getJson(fresh.stack.url, path, cookie)).body.thresholds).toEqual(before);
      // And no login without a record of it: the right password, but no session comes back.
      const login = await send(
        fresh.stack.url,
        'POST',
        '/api/v1/auth/login',
        JSON.stringify({ username: 'director', password }),
      );
      expect(login).toMatchObject({ status: 503, body: { error: { code: 'unavailable' } } });
    } finally {
      await fresh.cleanup();
    }
    expect(fs.existsSync(fresh.stack.dir)).toBe(false);
  });
});
