import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, DEFAULT_THRESHOLDS, MAX_EVENT_BATCH } from '@counterwatch/shared';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { ticketStatus } from './DepartmentQueue.js';
import { QueueService } from './QueueService.js';
import { eventFactory, oneWardDirectory } from './testing.js';

/**
 * Batches that arrive while one is being stored wait and are stored together
 * (group commit): one transaction for many senders, each still answered as
 * its own batch, in arrival order, as if they had come one after the other.
 */
const T0 = Date.UTC(2026, 11, 4, 1, 0); // 08:00 in Hanoi
const at = (minutes: number): number => T0 + minutes * 60_000;
const logger = pino({ level: 'silent' });
const department = { kind: 'department', departmentId: 'd' } as const;
const agent = { kind: 'agent', departmentId: 'd', counterId: 'c1' } as const;

describe('storing batches that arrive together', () => {
  let dir: string;
  let storage: SqliteStorage;
  let service: QueueService;
  /** The transactions the store was asked for, by their number of events. */
  let inserts: number[];
  /** Holds the next transaction until released: batches arriving meanwhile wait together. */
  let hold: () => () => void;
  /** The next transaction fails. */
  let failNext: boolean;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-queue-group-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: () => at(60) });
    inserts = [];
    failNext = false;
    let gate: Promise<void> | undefined;
    hold = () => {
      let release!: () => void;
      gate = new Promise<void>((resolve) => (release = resolve));
      return release;
    };
    const insert = storage.insertQueueEvents.bind(storage);
    storage.insertQueueEvents = async (events) => {
      inserts.push(events.length);
      const waiting = gate;
      gate = undefined;
      await waiting;
      if (failNext) {
        failNext = false;
        throw new Error('database gone');
      }
      return insert(events);
    };
    service = await QueueService.create({
      storage,
      directory: oneWardDirectory(),
      thresholds: () => DEFAULT_THRESHOLDS,
      logger,
      now: () => at(60),
      debounceMs: 0,
    });
  });

  afterEach(async () => {
    service.close();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores concurrent batches in one transaction and answers each with its own results', async () => {
    const qs = eventFactory('d', 'qs');
    const counter = eventFactory('d', 'counter:c1');
    const issued = qs(
      { type: 'ticket.issued', ticketId: 't1', ticketNumber: 'A001', serviceCode: 'id-card' },
      at(1),
    );
    const called = qs({ type: 'ticket.called', ticketId: 't1', counterId: 'c1' }, at(2));
    // The agent marks no-show the ticket an earlier batch of the same group called to its counter.
    const noShow = counter({ type: 'ticket.no_show', ticketId: 't1', counterId: 'c1' }, at(3), { id: 'a1' });
    // Not its counter's ticket: refused, and nothing else of its batch is.
    const other = qs(
      { type: 'ticket.issued', ticketId: 't2', ticketNumber: 'A002', serviceCode: 'id-card' },
      at(1),
    );
    const foreign = counter({ type: 'ticket.cancelled', ticketId: 't2' }, at(4), { id: 'a2' });

    const release = hold();
    const first = service.ingest(department, [issued, called]);
    await new Promise((resolve) => setImmediate(resolve));
    // The first batch is being stored: these three arrive meanwhile.
    const later = [
      service.ingest(agent, [noShow]),
      service.ingest(department, [other, issued]),
      service.ingest(agent, [foreign]),
    ];
    release();
    const answers = await Promise.all([first, ...later]);

    // The first batch went alone; the three that waited went together (the refused one not stored).
    expect(inserts).toEqual([2, 3]);
    expect(answers.map((a) => a.results.map((r) => r.status))).toEqual([
      ['accepted', 'accepted'],
      ['accepted'],
      ['accepted', 'duplicate'],
      ['rejected'],
    ]);
    expect(answers[3]?.results[0]?.reason).toMatch(/not called to counter c1/);
    const t1 = service.state('d')?.tickets.get('t1');
    expect(t1 && ticketStatus(t1)).toBe('no_show');
    expect((await storage.listQueueEvents('d', 0)).map((r) => r.event.id)).toEqual([
      issued.id,
      called.id,
      noShow.id,
      other.id,
    ]);
  });

  it('refuses an oversized batch at once, without holding up or failing the others', async () => {
    const qs = eventFactory('d', 'qs');
    const ok = qs(
      { type: 'ticket.issued', ticketId: 't1', ticketNumber: 'A001', serviceCode: 'id-card' },
      at(1),
    );
    const tooMany = Array.from({ length: MAX_EVENT_BATCH + 1 }, () => ok);
    const refused: string[] = [];
    service.on('batchRefused', (_origin, code) => refused.push(code));
    const [big, small] = await Promise.allSettled([
      service.ingest(department, tooMany),
      service.ingest(department, [ok]),
    ]);
    expect(big.status === 'rejected' && big.reason instanceof AppError && big.reason.code).toBe(
      'message_too_large',
    );
    expect(small.status === 'fulfilled' && small.value.accepted).toBe(1);
    expect(refused).toEqual(['message_too_large']);
  });

  it('fails every batch of a group whose transaction fails, and stores none of it', async () => {
    const qs = eventFactory('d', 'qs');
    const first = qs(
      { type: 'ticket.issued', ticketId: 't1', ticketNumber: 'A001', serviceCode: 'id-card' },
      at(1),
    );
    const second = qs(
      { type: 'ticket.issued', ticketId: 't2', ticketNumber: 'A002', serviceCode: 'id-card' },
      at(1),
    );
    const third = qs(
      { type: 'ticket.issued', ticketId: 't3', ticketNumber: 'A003', serviceCode: 'id-card' },
      at(1),
    );
    const release = hold();
    const alone = service.ingest(department, [first]);
    await new Promise((resolve) => setImmediate(resolve));
    const group = [service.ingest(department, [second]), service.ingest(department, [third])];
    // The group of the two that waited is stored next (while the first folds): held, then it fails.
    const releaseGroup = hold();
    release();
    await alone;
    failNext = true;
    releaseGroup();
    const answers = await Promise.allSettled([alone, ...group]);
    expect(answers.map((a) => a.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect((await storage.listQueueEvents('d', 0)).map((r) => r.event.id)).toEqual([first.id]);
    // Retried, they are stored, once.
    const retried = await service.ingest(department, [second, third]);
    expect(retried.accepted).toBe(2);
    expect(service.state('d')?.tickets.size).toBe(3);
  });
});
