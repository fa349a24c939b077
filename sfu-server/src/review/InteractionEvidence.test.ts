import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, systemClock, type Interaction } from '@counterwatch/shared';
import { AuditLog, type Actor } from '../audit/AuditLog.js';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { InteractionEvidence } from './InteractionEvidence.js';

const logger = pino({ level: 'silent' });
const REVIEWER: Actor = { userId: 7, username: 'reviewer', ip: '192.0.2.7' };

describe('InteractionEvidence', () => {
  let dir: string;
  let storage: SqliteStorage;
  let evidence: InteractionEvidence;
  let clipFile: string;
  // Only the fields the evidence reads or writes out; the rest of an interaction does not matter here.
  const interaction = {
    id: 42,
    departmentId: 'd1',
    counterId: 'c1',
    ticketId: 't-42',
    ticketNumber: 'A042',
    clipFrom: 1_000,
    clipTo: 61_000,
  } as unknown as Interaction;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-evidence-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    clipFile = path.join(dir, 'clip.webm');
    // Larger than a read stream's chunk (64 KiB), and not uniform: a hash over only some chunks would not check.
    fs.writeFileSync(
      clipFile,
      Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7 + (i >> 9)) & 0xff)),
    );
    evidence = new InteractionEvidence({
      audit: new AuditLog({ store: storage.audit, logger, now: systemClock }),
      clips: {
        clip: (_counterId, from, to) => Promise.resolve({ path: clipFile, container: 'webm', from, to }),
      },
      ticketEvents: () => Promise.resolve([]),
      exportsDir: path.join(dir, 'exports'),
      now: () => 1_767_225_600_000,
    });
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const rows = async (action: string) =>
    (await storage.audit.list({ limit: 100 })).filter((e) => e.action === action);

  it('a playback is on record with its actor, interaction and span', async () => {
    const clip = await evidence.playback(interaction, REVIEWER);
    expect(clip).toMatchObject({ path: clipFile, from: 1_000, to: 61_000 });
    const [row, ...more] = await rows('recording.playback');
    expect(more).toHaveLength(0);
    expect(row).toMatchObject({
      actor: 'reviewer',
      counterId: 'c1',
      objectType: 'interaction',
      objectId: '42',
      details: { from: 1_000, to: 61_000 },
    });
  });

  it('an export is one tar with the clip, the interaction, its events and a manifest that checks', async () => {
    const { file, downloadName } = await evidence.export(interaction, REVIEWER);
    expect(downloadName).toBe('interaction-42.tar');
    expect(await rows('recording.export')).toHaveLength(1);
    const out = path.join(dir, 'x');
    fs.mkdirSync(out);
    const tar = spawnSync('tar', ['-xf', path.join(dir, 'exports', file), '-C', out], { encoding: 'utf8' });
    expect(tar.status, tar.stderr).toBe(0);
    const base = path.join(out, 'interaction-42');
    expect(fs.readdirSync(base).sort()).toEqual([
      'MANIFEST.sha256',
      'clip.webm',
      'events.json',
      'interaction.json',
    ]);
    const manifest = fs.readFileSync(path.join(base, 'MANIFEST.sha256'), 'utf8');
    expect(manifest.endsWith('\n')).toBe(true);
    const lines = manifest.trim().split('\n');
    expect(lines.map((l) => l.split('  ')[1])).toEqual(['clip.webm', 'interaction.json', 'events.json']);
    for (const line of lines) {
      const [hash, name] = line.split('  ');
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      const actual = createHash('sha256')
        .update(fs.readFileSync(path.join(base, name!)))
        .digest('hex');
      expect(actual, name).toBe(hash);
    }
  });

  it('the clip is hashed as a stream, never read whole into memory', async () => {
    const readFileSync = vi.spyOn(fs, 'readFileSync');
    const readFile = vi.spyOn(fs.promises, 'readFile');
    await evidence.export(interaction, REVIEWER);
    expect(readFileSync.mock.calls.filter(([file]) => file === clipFile)).toEqual([]);
    expect(readFile.mock.calls.filter(([file]) => file === clipFile)).toEqual([]);
  });

  it('a clip that cannot be read fails the export, and no file is written', async () => {
    fs.rmSync(clipFile);
    const error = await evidence.export(interaction, REVIEWER).then(
      () => new Error('expected a failure'),
      (e: unknown) => e,
    );
    expect((error as NodeJS.ErrnoException).code).toBe('ENOENT');
    expect(fs.existsSync(path.join(dir, 'exports'))).toBe(false);
  });

  it('with no audit row, nothing is handed out and no file is written', async () => {
    storage.db.exec(
      "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    for (const attempt of [
      evidence.playback(interaction, REVIEWER),
      evidence.export(interaction, REVIEWER),
    ]) {
      const error = await attempt.then(
        () => new Error('expected a refusal'),
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('unavailable');
    }
    expect(fs.existsSync(path.join(dir, 'exports'))).toBe(false);
  });
});
