import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '@counterwatch/shared';
import { AuditLog, type Actor } from '../audit/AuditLog.js';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { InspectionService } from './InspectionService.js';

const logger = pino({ level: 'silent' });
const INSPECTOR: Actor = { userId: 7, username: 'thanhtra', ip: '192.0.2.7' };
const WHO = { id: 7, username: 'thanhtra', displayName: 'Nguyễn Thanh Tra' };
const OTHER = { id: 8, username: 'thanhtra2' };
const COUNTER = { id: 'c1', departmentId: 'd1' };
const COUNTER2 = { id: 'c2', departmentId: 'd1' };
const COUNTER3 = { id: 'c3', departmentId: 'd1' };
const T0 = 1_700_000_000_000;
const MAX = 120 * 60_000;

describe('InspectionService', () => {
  let dir: string;
  let storage: SqliteStorage;
  let now: number;
  let services: InspectionService[];
  let onDuty: { id: number; displayName: string; badgeNumber: string } | null = null;

  const make = () => {
    const service = new InspectionService({
      store: storage.inspections,
      settings: storage.settings,
      audit: new AuditLog({ store: storage.audit, logger, now: () => now }),
      stillsDir: path.join(dir, 'stills'),
      logger,
      now: () => now,
      releaseAfterMs: 0,
      maxDurationMs: MAX,
      officerOnDuty: () => Promise.resolve(onDuty),
    });
    services.push(service);
    return service;
  };
  const trail = async () => (await storage.audit.list({ limit: 100 })).reverse();

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-inspections-'));
    now = T0;
    services = [];
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: () => now });
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });

  afterEach(async () => {
    vi.useRealTimers();
    for (const s of services) s.close();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('puts the start on record, with the id the inspection will have, before it exists', async () => {
    const service = make();
    const first = (await service.start(INSPECTOR, COUNTER, WHO)).record;
    const second = (await service.start(INSPECTOR, COUNTER2, WHO)).record;
    expect([first.id, second.id]).toEqual([1, 2]);
    // Inspect again where their own is open (another tab): that one, resumed, not on record again.
    expect(await service.start(INSPECTOR, COUNTER, WHO)).toMatchObject({ record: { id: 1 }, resumed: true });
    expect((await trail()).map((e) => [e.action, e.objectId, e.actor])).toEqual([
      ['inspection.start', '1', 'thanhtra'],
      ['inspection.start', '2', 'thanhtra'],
    ]);
    storage.db.exec(
      "CREATE TRIGGER audit_fails BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    const error = await service.start(INSPECTOR, COUNTER3, WHO).catch((e: unknown) => e);
    expect((error as AppError).code).toBe('unavailable');
    expect(await storage.inspections.list({ departmentIds: null, limit: 10 })).toHaveLength(2);
  });

  it('ends an inspection left open at the maximum, on record as the system', async () => {
    const service = make();
    const record = (await service.start(INSPECTOR, COUNTER, WHO)).record;
    await service.observe(INSPECTOR, record, 'a note', undefined);
    now = T0 + MAX;
    await vi.advanceTimersByTimeAsync(MAX);
    await vi.waitFor(async () => expect((await storage.inspections.get(record.id))?.endedAt).toBe(T0 + MAX));
    const ended = (await storage.inspections.get(record.id))!;
    expect(ended.endedAutomatically).toBe(true);
    const end = (await trail()).find((e) => e.action === 'inspection.end')!;
    expect(end).toMatchObject({ actor: 'system', actorId: null, objectId: String(record.id) });
    expect(end.reason).toMatch(/automatically at the maximum duration of 120 minutes/);
    // The inspector can no longer add to it or end it.
    const late = await service.observe(INSPECTOR, ended, 'too late', undefined).catch((e: unknown) => e);
    expect((late as AppError).code).toBe('conflict');
    const again = await service.end(INSPECTOR, record, {}, '', null).catch((e: unknown) => e);
    expect((again as AppError).code).toBe('conflict');
    const html = await service.reportHtml(
      INSPECTOR,
      ended,
      await service.view(ended, 'Quầy 1'),
      'Phường',
      false,
    );
    expect(html).toContain('Kết thúc tự động khi hết thời gian tối đa 120 phút');
  });

  it('an inspection ended by hand is not ended again', async () => {
    const service = make();
    const record = (await service.start(INSPECTOR, COUNTER, WHO)).record;
    now = T0 + 60_000;
    await service.end(INSPECTOR, record, {}, 'fine', 'Officer');
    now = T0 + MAX;
    await vi.advanceTimersByTimeAsync(MAX);
    const ended = (await storage.inspections.get(record.id))!;
    expect(ended).toMatchObject({ endedAt: T0 + 60_000, endedAutomatically: false });
    expect((await trail()).filter((e) => e.action === 'inspection.end')).toHaveLength(1);
  });

  it('after a restart, ends at their deadline the inspections that outlived it while the server was down', async () => {
    const before = make();
    const overdue = (await before.start(INSPECTOR, COUNTER, WHO)).record;
    now = T0 + 60 * 60_000;
    const running = (await before.start(INSPECTOR, COUNTER2, WHO)).record;
    before.close();
    now = T0 + MAX + 30 * 60_000; // the server was down past the first one's deadline
    const after = make();
    await after.resume();
    await vi.advanceTimersByTimeAsync(0);
    await vi.waitFor(async () =>
      expect((await storage.inspections.get(overdue.id))?.endedAt).toBe(overdue.startedAt + MAX),
    );
    expect((await storage.inspections.get(running.id))?.endedAt).toBeNull();
    now = running.startedAt + MAX;
    await vi.advanceTimersByTimeAsync(MAX);
    await vi.waitFor(async () =>
      expect((await storage.inspections.get(running.id))?.endedAt).toBe(running.startedAt + MAX),
    );
  });

  it('puts viewing a still on record', async () => {
    const service = make();
    const record = (await service.start(INSPECTOR, COUNTER, WHO)).record;
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
    const observationId = await service.observe(
      INSPECTOR,
      record,
      'note',
      `data:image/jpeg;base64,${jpeg.toString('base64')}`,
    );
    const file = await service.viewStill(INSPECTOR, record, observationId);
    expect(fs.readFileSync(file)).toEqual(jpeg);
    expect((await trail()).at(-1)).toMatchObject({
      action: 'inspection.still_view',
      objectId: String(record.id),
      details: { observationId },
    });
  });

  it('names the officer signed in at the panel (at the start, else at the end) and the inspector by display name', async () => {
    const service = make();
    onDuty = null;
    const record = (await service.start(INSPECTOR, COUNTER, WHO)).record;
    expect(record.officer).toBeNull();
    onDuty = { id: 3, displayName: 'Trần Văn Bình', badgeNumber: 'CA-1234' };
    await service.end(INSPECTOR, record, {}, '', 'typed name');
    const ended = (await storage.inspections.get(record.id))!;
    expect(ended).toMatchObject({
      officer: onDuty,
      officerName: 'Trần Văn Bình',
      inspectorName: WHO.displayName,
    });
    const view = await service.view(ended, 'Quầy 1');
    expect(view).toMatchObject({ inspectorName: 'Nguyễn Thanh Tra', officer: { badgeNumber: 'CA-1234' } });
    onDuty = null;
  });

  describe('the draft, saved as typed', () => {
    const draft = { results: { greeting: 'pass' as const }, notes: 'Đang ghi', officerName: 'Trần Văn B' };

    it('is saved and read back by its inspector only, without an audit row per save', async () => {
      const service = make();
      const record = (await service.start(INSPECTOR, COUNTER, WHO)).record;
      const rows = (await trail()).length;
      expect(service.draft(WHO, record)).toEqual({
        draft: { results: {}, notes: '', officerName: '' },
        savedAt: null,
      });
      now = T0 + 5_000;
      await service.saveDraft(WHO, record, draft);
      now = T0 + 6_000;
      await service.saveDraft(WHO, record, { ...draft, notes: 'Đang ghi thêm' });
      const saved = (await storage.inspections.get(record.id))!;
      expect(service.draft(WHO, saved)).toEqual({
        draft: { ...draft, notes: 'Đang ghi thêm' },
        savedAt: T0 + 6_000,
      });
      expect((await trail()).length).toBe(rows);
      // Another inspector, even within scope, neither reads nor writes it.
      for (const attempt of [
        (): unknown => service.draft(OTHER, saved),
        (): unknown => service.saveDraft(OTHER, saved, { results: {}, notes: 'x', officerName: '' }),
      ]) {
        const error = await Promise.resolve()
          .then(attempt)
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('forbidden');
      }
      expect((await storage.inspections.get(record.id))!.draft?.notes).toBe('Đang ghi thêm');
      // The end's row counts the saves.
      await service.end(INSPECTOR, saved, draft.results, 'Xong', 'Trần Văn B');
      expect((await trail()).at(-1)).toMatchObject({ action: 'inspection.end', details: { draftSaves: 2 } });
    });

    it('refuses unknown checklist items and an ended inspection, changing nothing', async () => {
      const service = make();
      const record = (await service.start(INSPECTOR, COUNTER, WHO)).record;
      const bad = await service
        .saveDraft(WHO, record, { results: { nope: 'pass' }, notes: '', officerName: '' })
        .catch((e: unknown) => e);
      expect((bad as AppError).code).toBe('invalid_request');
      await service.end(INSPECTOR, record, {}, '', null);
      const late = await service.saveDraft(WHO, record, draft).catch((e: unknown) => e);
      expect((late as AppError).code).toBe('conflict');
      expect((await storage.inspections.get(record.id))!.draft).toBeNull();
    });

    it('becomes the result when the inspection ends automatically', async () => {
      const service = make();
      const record = (await service.start(INSPECTOR, COUNTER, WHO)).record;
      await service.saveDraft(WHO, record, draft);
      now = T0 + MAX;
      await vi.advanceTimersByTimeAsync(MAX);
      await vi.waitFor(async () =>
        expect((await storage.inspections.get(record.id))?.endedAt).toBe(T0 + MAX),
      );
      expect(await storage.inspections.get(record.id)).toMatchObject({
        results: draft.results,
        notes: draft.notes,
        officerName: 'Trần Văn B',
        endedAutomatically: true,
      });
    });
  });
});
