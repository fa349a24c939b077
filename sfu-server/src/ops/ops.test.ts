import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '@counterwatch/shared';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { BackupError, backupSqlite, restoreSqlite, splitPassword } from './backup.js';
import { HealthCheck, type HealthHost } from './HealthCheck.js';
import { instrumentStorage } from './instrumentStorage.js';
import { DatabaseLatency } from './ServerMetrics.js';

const logger = pino({ level: 'silent' });

describe('HealthCheck', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-health-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const host = (over: Partial<HealthHost> = {}): HealthHost => ({
    pingDatabase: () => Promise.resolve(),
    workers: () => ({ live: 2, size: 2 }),
    recording: () => ({ dir, minFreeBytes: 0, storageFull: false }),
    changeFeedListening: () => null,
    ...over,
  });

  it('is ok when every dependency is', async () => {
    const report = await new HealthCheck({ host: host(), logger }).check();
    expect(report).toEqual({
      ok: true,
      workers: 2,
      failing: [],
      checks: { database: { ok: true }, mediaWorkers: { ok: true }, recordingDisk: { ok: true } },
    });
  });

  it('names each failing dependency, with a reason and no detail', async () => {
    const report = await new HealthCheck({
      host: host({
        pingDatabase: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.5:5432 password=secret')),
        workers: () => ({ live: 1, size: 2 }),
        recording: () => ({ dir, minFreeBytes: Number.MAX_SAFE_INTEGER, storageFull: false }),
        changeFeedListening: () => false,
      }),
      logger,
    }).check();
    expect(report.ok).toBe(false);
    expect(report.failing).toEqual(['database', 'mediaWorkers', 'recordingDisk', 'changeFeed']);
    expect(report.checks).toEqual({
      database: { ok: false, reason: 'query_failed' },
      mediaWorkers: { ok: false, reason: 'worker_restarting' },
      recordingDisk: { ok: false, reason: 'disk_full' },
      changeFeed: { ok: false, reason: 'not_listening' },
    });
    expect(JSON.stringify(report)).not.toContain('secret');
  });

  it('callers at the same time share one check', async () => {
    let pings = 0;
    const health = new HealthCheck({
      host: host({
        pingDatabase: async () => {
          pings += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
      }),
      logger,
    });
    const reports = await Promise.all([health.check(), health.check(), health.check()]);
    expect(pings).toBe(1);
    expect(reports.every((r) => r.ok)).toBe(true);
    await health.check();
    expect(pings).toBe(2);
  });

  it('a database that does not answer is a timeout, not a hang', async () => {
    const report = await new HealthCheck({
      host: host({ pingDatabase: () => new Promise<void>(() => undefined) }),
      logger,
    }).check();
    expect(report.checks.database).toEqual({ ok: false, reason: 'timeout' });
  }, 10_000);

  it('a missing recordings directory, a file in its place, or a full quota fail the recording disk', async () => {
    const gone = path.join(dir, 'gone');
    const file = path.join(dir, 'file');
    fs.writeFileSync(file, '');
    const check = (recording: ReturnType<HealthHost['recording']>) =>
      new HealthCheck({ host: host({ recording: () => recording }), logger }).check();
    expect((await check({ dir: gone, minFreeBytes: 0, storageFull: false })).checks.recordingDisk).toEqual({
      ok: false,
      reason: 'unreachable',
    });
    expect((await check({ dir: file, minFreeBytes: 0, storageFull: false })).checks.recordingDisk).toEqual({
      ok: false,
      reason: 'not_a_directory',
    });
    expect((await check({ dir, minFreeBytes: 0, storageFull: true })).checks.recordingDisk).toEqual({
      ok: false,
      reason: 'quota_full',
    });
    // Recording off: not checked, not failing.
    const off = await check(null);
    expect(off.ok).toBe(true);
    expect(off.checks.recordingDisk).toBeUndefined();
  });
});

describe('instrumentStorage', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-instrument-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('times every call of the storage and its areas, results and errors unchanged', async () => {
    const registry = new Registry();
    const latency = new DatabaseLatency(registry, 'sqlite');
    const calls: string[] = [];
    const storage = instrumentStorage(
      await SqliteStorage.create({ dataDir: dir, logger, now: systemClock }),
      (operation, seconds, ok) => {
        calls.push(`${operation}:${ok ? 'ok' : 'error'}`);
        latency.observe(operation, seconds, ok);
      },
    );
    try {
      expect(await storage.countUsers()).toBe(0);
      await storage.settings.set('k', { a: 1 });
      expect(await storage.settings.get('k')).toEqual({ a: 1 });
      // An error passes through, and is counted as one.
      await expect(storage.getThresholds('nowhere')).resolves.toBeUndefined();
      await expect(storage.settings.set('bad', 1n)).rejects.toThrow();
      // The change feed (synchronous) is left alone.
      storage.changes.follow(() => undefined).close();
      expect(calls).toEqual([
        'countUsers:ok',
        'settings.set:ok',
        'settings.get:ok',
        'getThresholds:ok',
        'settings.set:error',
      ]);
      const text = await registry.metrics();
      expect(text).toContain(
        'cw_database_call_seconds_count{backend="sqlite",operation="settings.set",result="error"} 1',
      );
    } finally {
      await storage.close();
    }
  });
});

describe('SQLite backup and restore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-backup-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('copies a live database, names its audit head, and restores it only where told', async () => {
    const data = path.join(dir, 'data');
    const storage = await SqliteStorage.create({ dataDir: data, logger, now: systemClock });
    const appended = await storage.audit.append({
      at: systemClock(),
      actorId: null,
      actor: 'cli:test',
      ip: null,
      action: 'auth.logout',
      departmentId: null,
      counterId: null,
      objectType: null,
      objectId: null,
      reason: null,
      details: {},
    });
    const out = path.join(dir, 'backup.db');
    // While the source is open (the server running).
    const result = await backupSqlite(data, out);
    await storage.close();
    expect(result.anchor).toEqual({ seq: appended.seq, hash: appended.hash });
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    await expect(backupSqlite(data, out)).rejects.toBeInstanceOf(BackupError);

    expect(() => restoreSqlite(out, data)).toThrow(/--force/);
    const fresh = path.join(dir, 'fresh');
    restoreSqlite(out, fresh);
    const restored = await SqliteStorage.create({ dataDir: fresh, logger, now: systemClock });
    try {
      expect(await restored.audit.verify({ seq: appended.seq, hash: appended.hash })).toMatchObject({
        ok: true,
        checked: 1,
      });
    } finally {
      await restored.close();
    }
    const notSqlite = path.join(dir, 'dump');
    fs.writeFileSync(notSqlite, 'PGDMP…');
    expect(() => restoreSqlite(notSqlite, path.join(dir, 'other'))).toThrow(/not a SQLite backup/);
    expect(fs.existsSync(path.join(dir, 'other'))).toBe(false);
  });

  it('keeps the PostgreSQL password out of the URL given to pg_dump', () => {
    expect(splitPassword('postgres://cw:p%40ss%3Aw@db.example:5433/counterwatch?sslmode=require')).toEqual({
      url: 'postgres://cw@db.example:5433/counterwatch?sslmode=require',
      password: 'p@ss:w',
    });
    expect(splitPassword('postgres://cw@db/counterwatch').password).toBeNull();
  });
});
