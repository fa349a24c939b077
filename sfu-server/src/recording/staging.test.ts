import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_OPENING_HOURS } from '@counterwatch/shared';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { salvageLeftovers, salvageRun, segmentSink, writeRunMeta } from './staging.js';

const logger = pino({ level: 'silent' });
const NINE_HOURS = 9 * 3600_000;

describe('salvageRun', () => {
  let dir: string;
  let storage: SqliteStorage;
  // An installation whose clock is offset from the machine's (CW_CLOCK_OFFSET_MS: tests, the demo).
  const now = () => Date.now() + NINE_HOURS;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-staging-'));
    storage = await SqliteStorage.create({ dataDir: path.join(dir, 'data'), logger, now });
    await storage.saveDepartment({ id: 'd1', name: 'D1', openingHours: DEFAULT_OPENING_HOURS });
    await storage.saveCounter({ id: 'd1-q1', departmentId: 'd1', name: 'Q1', services: ['id-card'] });
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function stagedRun(node?: string, runId = 'e1-abc'): Promise<string> {
    const run = path.join(dir, 'rec', 'd1-q1', '.incoming', runId);
    fs.mkdirSync(run, { recursive: true });
    await writeRunMeta(run, {
      counterId: 'd1-q1',
      departmentId: 'd1',
      runId,
      container: 'webm',
      ...(node === undefined ? {} : { node }),
    });
    fs.writeFileSync(path.join(run, 'seg-000001.webm'), Buffer.alloc(8192, 1));
    return run;
  }

  it('puts a partial segment on the injected clock, from the file times alone', async () => {
    const run = await stagedRun();
    const [segment] = await salvageRun({
      root: path.join(dir, 'rec'),
      store: segmentSink(storage.recordings, ''),
      dir: run,
      segmentSeconds: 10,
      knownStart: null,
      logger,
      now,
    });
    expect(segment).toBeDefined();
    expect(Math.abs(segment!.endedAt - now())).toBeLessThan(60_000);
    expect(segment!.endedAt - segment!.startedAt).toBeLessThan(60_000);
  });

  it('ends a partial segment on the same clock as the start the run knew (no 9-hour spans)', async () => {
    const run = await stagedRun();
    // A clock behind the machine's (the demo pinned to the morning while the machine is in the evening).
    const behind = () => Date.now() - NINE_HOURS;
    const knownStart = behind() - 3_000;
    const [segment] = await salvageRun({
      root: path.join(dir, 'rec'),
      store: segmentSink(storage.recordings, ''),
      dir: run,
      segmentSeconds: 10,
      knownStart,
      logger,
      now: behind,
    });
    expect(segment!.startedAt).toBe(knownStart);
    expect(segment!.endedAt - segment!.startedAt).toBeGreaterThan(0);
    expect(segment!.endedAt - segment!.startedAt).toBeLessThan(60_000);
  });

  it("salvages only its own node's runs from a recordings folder nodes share (another's may be live)", async () => {
    const mine = await stagedRun('media-1', 'e1-mine');
    const theirs = await stagedRun('media-2', 'e1-theirs');
    const filed = await salvageLeftovers({
      root: path.join(dir, 'rec'),
      store: segmentSink(storage.recordings, 'media-1'),
      segmentSeconds: 10,
      logger,
      now,
    });
    expect(filed.map((s) => s.node)).toEqual(['media-1']);
    expect(fs.existsSync(mine)).toBe(false);
    expect(fs.readdirSync(theirs)).toContain('seg-000001.webm');
    // A run described before nodes existed is the single process's.
    const old = await stagedRun(undefined, 'e1-old');
    const single = await salvageLeftovers({
      root: path.join(dir, 'rec'),
      store: segmentSink(storage.recordings, ''),
      segmentSeconds: 10,
      logger,
      now,
    });
    expect(single.map((s) => s.node)).toEqual(['']);
    expect(fs.existsSync(old)).toBe(false);
  });
});
