import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError, systemClock } from '@counterwatch/shared';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { ENROLMENT_TTL_MS, EnrolmentLimiter } from './enrolment.js';

const logger = pino({ level: 'silent' });
/** A window start: windows are fixed, on multiples of their length. */
const W0 = Math.ceil(1_700_000_000_000 / ENROLMENT_TTL_MS) * ENROLMENT_TTL_MS;

describe('EnrolmentLimiter', () => {
  let dir: string;
  let storage: SqliteStorage;
  let now: number;
  let limiter: EnrolmentLimiter;
  const wrong = () => Promise.reject(new AppError('unauthenticated', 'wrong code'));
  const right = () => Promise.resolve('enrolled');
  const outcome = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof AppError ? e.code : 'error'),
    );

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-enrolment-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    now = W0 + 1000;
    limiter = new EnrolmentLimiter({ store: storage.attempts, now: () => now });
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an address after 10 failures until the window closes; others are not affected', async () => {
    for (let i = 0; i < 10; i++)
      expect(await outcome(limiter.attempt('192.0.2.1', wrong))).toBe('unauthenticated');
    expect(await outcome(limiter.attempt('192.0.2.1', right))).toBe('rate_limited');
    expect(await outcome(limiter.attempt('192.0.2.2', right))).toBe('ok');
    now = W0 + ENROLMENT_TTL_MS - 1;
    expect(await outcome(limiter.attempt('192.0.2.1', right))).toBe('rate_limited');
    now = W0 + ENROLMENT_TTL_MS;
    expect(await outcome(limiter.attempt('192.0.2.1', right))).toBe('ok');
  });

  it('gives a successful redemption back', async () => {
    for (let i = 0; i < 9; i++) await outcome(limiter.attempt(null, wrong));
    for (let i = 0; i < 5; i++) expect(await outcome(limiter.attempt(null, right))).toBe('ok');
    expect(await outcome(limiter.attempt(null, wrong))).toBe('unauthenticated');
    expect(await outcome(limiter.attempt(null, right))).toBe('rate_limited');
  });

  it('counts together across processes on one database, under parallel guesses too', async () => {
    const other = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    try {
      const elsewhere = new EnrolmentLimiter({ store: other.attempts, now: () => now });
      let checked = 0;
      const guess = async () => {
        checked += 1;
        await new Promise((r) => setTimeout(r, 5));
        throw new AppError('unauthenticated', 'wrong code');
      };
      const outcomes = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          outcome((i % 2 ? elsewhere : limiter).attempt('192.0.2.1', guess)),
        ),
      );
      expect(checked).toBe(10);
      expect(outcomes.filter((o) => o === 'rate_limited')).toHaveLength(20);
      expect(await outcome(elsewhere.attempt('192.0.2.1', right))).toBe('rate_limited');
    } finally {
      await other.close();
    }
  });

  it('keeps only hashes of addresses, and prunes closed windows', async () => {
    await outcome(limiter.attempt('192.0.2.1', wrong));
    const rows = () =>
      storage.db.prepare('SELECT scope, key_hash, window_start, count FROM rate_attempts').all();
    const hashed: unknown = expect.stringMatching(/^[0-9a-f]{64}$/);
    expect(rows()).toEqual([{ scope: 'enrol-ip', key_hash: hashed, window_start: W0, count: 1 }]);
    now += ENROLMENT_TTL_MS;
    await outcome(limiter.attempt('192.0.2.3', wrong));
    expect(rows()).toEqual([expect.objectContaining({ window_start: W0 + ENROLMENT_TTL_MS, count: 1 })]);
  });
});
