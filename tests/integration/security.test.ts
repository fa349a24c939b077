import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Stack } from '@counterwatch/demo';
import { auditCount } from '../support/audit.js';
import { send } from '../support/http.js';
import { testStack } from '../support/stack.js';

/** The audit rows of one action, oldest first, straight from the database. */
function auditRows(dataDir: string, action: string) {
  const db = new BetterSqlite3(path.join(dataDir, 'counterwatch.db'), { readonly: true, fileMustExist: true });
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
