import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '@counterwatch/demo';
import { RawSocket } from '../support/agentSocket.js';
import { auditCount, withDatabase } from '../support/audit.js';
import { eventually } from '../support/browser.js';
import { getJson, loginCookie, send } from '../support/http.js';
import type { TestClock } from '../support/clock.js';
import { testStack } from '../support/stack.js';

/** A revoked or expired session loses its live views within seconds; the trail records their end. */
describe('sessions end live views', () => {
  let stack: Stack;
  let cleanup: () => Promise<void>;
  let clock: TestClock;
  let admin: string;

  beforeAll(async () => {
    ({ stack, cleanup, clock } = await testStack('sessions', {
      departments: 1,
      countersPerDepartment: 1,
      serverEnv: { CW_RECORDING: 'false' },
    }));
    admin = await loginCookie(stack.url, 'admin', stack.createUser('admin', ['admin']));
    await stack.startAgent(stack.provisioned.counters[0]!.id);
  });

  afterAll(async () => {
    await cleanup?.();
  });

  /** A console socket of a fresh director session, consuming the counter's grid video. */
  async function watching(username: string): Promise<{ socket: RawSocket; cookie: string }> {
    const cookie = await loginCookie(stack.url, username, stack.createUser(username, ['director']));
    const socket = new RawSocket(`${stack.url.replace('http', 'ws')}/ws/console`, {
      cookie,
      origin: stack.url,
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
          counterId: stack.provisioned.counters[0]!.id,
          track: 'grid',
          rtpCapabilities: caps,
        });
        return (await socket.response(id)).ok ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );
    return { socket, cookie };
  }

  it('closes the views of a session an admin revokes, within seconds', async () => {
    const { socket } = await watching('viewer1');
    const stops = auditCount(stack.dataDir, 'live.view_stop');
    const sessions = (await getJson(stack.url, '/api/v1/admin/sessions', admin)).body.sessions as {
      id: string;
      username: string;
    }[];
    const started = Date.now();
    await send(
      stack.url,
      'POST',
      `/api/v1/admin/sessions/${sessions.find((s) => s.username === 'viewer1')!.id}/revoke`,
      '{}',
      { cookie: admin },
    );
    const closed = await socket.closed;
    expect(closed.code).toBe(4403);
    expect(Date.now() - started).toBeLessThan(5_000);
    await eventually('view end on record', async () =>
      auditCount(stack.dataDir, 'live.view_stop') === stops + 1 ? true : undefined,
    );
  });

  it('closes the views of a session that expires, within seconds', async () => {
    const { socket, cookie } = await watching('viewer2');
    withDatabase(stack.dataDir, (db) =>
      db
        .prepare(
          "UPDATE sessions SET expires_at = ? WHERE user_id = (SELECT id FROM users WHERE username = 'viewer2')",
        )
        .run(clock.now()),
    );
    const started = Date.now();
    const closed = await socket.closed;
    expect(closed.code).toBe(4403);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect((await getJson(stack.url, '/api/v1/auth/me', cookie)).status).toBe(401);
  });

  it('closes the views of a user an admin disables', async () => {
    const { socket } = await watching('viewer3');
    const users = (await getJson(stack.url, '/api/v1/admin/users', admin)).body.users as {
      id: number;
      username: string;
    }[];
    await send(
      stack.url,
      'PATCH',
      `/api/v1/admin/users/${users.find((u) => u.username === 'viewer3')!.id}`,
      JSON.stringify({ disabled: true }),
      {
        cookie: admin,
      },
    );
    expect((await socket.closed).code).toBe(4403);
  });
});
