import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBatchResult } from '@counterwatch/shared';
import type { StoredQueueEvent } from '../storage/Storage.js';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { GroupCommit } from './GroupCommit.js';
import type { LogCursor } from './LogCursor.js';
import { SourceClocks } from './SourceClocks.js';
import { eventFactory, oneWardDirectory } from './testing.js';

/**
 * A group is stored while the one before it folds: the database and the
 * process work at once. What the next group's checks need of the one before
 * (the tickets it called) they find before it is folded.
 */
const T0 = Date.UTC(2026, 11, 4, 1, 0); // 08:00 in Hanoi
const logger = pino({ level: 'silent' });
const department = { kind: 'department', departmentId: 'd' } as const;
const agent = (counterId: string) => ({ kind: 'agent', departmentId: 'd', counterId }) as const;

describe('GroupCommit', () => {
  let dir: string;
  let storage: SqliteStorage;
  let commit: GroupCommit;
  /** What happened, in order: stores (by their events' ids) and folds. */
  let steps: string[];
  /** The state a fold builds: ticket → counter it was called to. */
  let calledTo: Map<string, string>;
  let releaseFold: (() => void) | undefined;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-group-commit-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: () => T0 });
    steps = [];
    calledTo = new Map();
    let holdFold: Promise<void> | undefined = new Promise<void>((resolve) => (releaseFold = resolve));
    const directory = oneWardDirectory();
    const clocks = new SourceClocks();
    // The cursor's part: folds a stored group into the state. The first fold waits to be released.
    const log = {
      stored: () => undefined,
      foldStored: async (rows: StoredQueueEvent[]) => {
        const held = holdFold;
        holdFold = undefined;
        await held;
        for (const { event } of rows)
          if (event.type === 'ticket.called') calledTo.set(event.ticketId, event.counterId);
        steps.push(`fold ${rows.map((r) => r.event.id).join(',')}`);
      },
    } as unknown as LogCursor;
    commit = new GroupCommit({
      storage: {
        insertQueueEvents: (events) => {
          steps.push(`store ${events.map((e) => e.event.id).join(',')}`);
          return storage.insertQueueEvents(events);
        },
      },
      log,
      logger,
      now: () => T0,
      host: {
        counter: (id) => directory.counter(id),
        ticketCounter: (_departmentId, ticketId) => calledTo.get(ticketId),
        clocks: () => clocks,
        answered: () => undefined,
      },
    });
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores the next group while one folds, checks it against the calls not folded yet, answers in order', async () => {
    const qs = eventFactory('d', 'qs');
    const issued = qs(
      { type: 'ticket.issued', ticketId: 't1', ticketNumber: 'A001', serviceCode: 'id-card' },
      T0,
    );
    const called = qs({ type: 'ticket.called', ticketId: 't1', counterId: 'c1' }, T0);
    const panel1 = eventFactory('d', 'counter:c1');
    const panel2 = eventFactory('d', 'counter:c2');
    const noShow = panel1({ type: 'ticket.no_show', ticketId: 't1', counterId: 'c1' }, T0, { id: 'own' });
    const foreign = panel2({ type: 'ticket.no_show', ticketId: 't1', counterId: 'c2' }, T0, {
      id: 'foreign',
    });

    const answered: string[] = [];
    const first = commit.ingest(department, [issued, called]);
    void first.then(() => answered.push('first'));
    // Arrives while the first is being stored: the next group.
    await new Promise((resolve) => setImmediate(resolve));
    const own = commit.ingest(agent('c1'), [noShow]);
    const other = commit.ingest(agent('c2'), [foreign]);
    void own.then(() => answered.push('own'));
    // The first group's fold is held: the second is stored meanwhile, and is not answered before it.
    for (let i = 0; i < 20 && steps.length < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(steps).toEqual(['store d-e1,d-e2', 'store own']);
    expect(answered).toEqual([]);
    releaseFold?.();
    const results: EventBatchResult[] = await Promise.all([first, own, other]);
    expect(steps).toEqual(['store d-e1,d-e2', 'store own', 'fold d-e1,d-e2', 'fold own']);
    expect(answered).toEqual(['first', 'own']);
    expect(results.map((r) => r.accepted)).toEqual([2, 1, 0]);
    // The other counter's agent may not mark a ticket called to c1, folded or not.
    expect(results[2]?.results[0]).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('c2') as string,
    });
  });

  it('runs a turn of other work between groups, after the folds before it and before the stores after it', async () => {
    const qs = eventFactory('d', 'qs');
    const a = qs({ type: 'ticket.issued', ticketId: 't1', ticketNumber: 'A001', serviceCode: 'id-card' }, T0);
    const b = qs({ type: 'ticket.issued', ticketId: 't2', ticketNumber: 'A002', serviceCode: 'id-card' }, T0);
    const first = commit.ingest(department, [a]);
    // Its group is being stored (closed): what comes next goes after it.
    await new Promise((resolve) => setImmediate(resolve));
    const turn = commit.turn(async () => void steps.push('turn'));
    const second = commit.ingest(department, [b]);
    releaseFold?.();
    await Promise.all([first, turn, second]);
    expect(steps).toEqual([`store ${a.id}`, `fold ${a.id}`, 'turn', `store ${b.id}`, `fold ${b.id}`]);
  });
});
