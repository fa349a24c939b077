import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, type QueueEvent } from '@counterwatch/shared';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { QueueService } from './QueueService.js';
import { eventFactory, oneWardDirectory } from './testing.js';

/**
 * Two queue services on one database, as two server processes are: each
 * folds the events it stores from memory (no read-back) and the others' from
 * the log, and both fold every event once, in log order, arriving at the same
 * state as a service rebuilt from the log. Nothing here wakes a service when
 * the other stores (no change feed): the next batch it stores must pick the
 * other's rows up first.
 */
const T0 = Date.UTC(2026, 11, 4, 1, 0); // 08:00 in Hanoi
const at = (minutes: number): number => T0 + minutes * 60_000;
const directory = oneWardDirectory();
const logger = pino({ level: 'silent' });
const origin = { kind: 'department', departmentId: 'd' } as const;

/** One queue system's events, ids prefixed with its name (two senders, no clash). */
function sender(
  name: string,
): (body: Parameters<ReturnType<typeof eventFactory>>[0], t: number) => QueueEvent {
  const e = eventFactory('d', `qs-${name}`);
  let n = 0;
  return (body, t) => e(body, t, { id: `${name}-${++n}` });
}

const issued = (id: string, n: number) =>
  ({ type: 'ticket.issued', ticketId: id, ticketNumber: `A${n}`, serviceCode: 'id-card' }) as const;

describe('folding the shared event log from two services', () => {
  let dir: string;
  let storage: SqliteStorage;
  const clock = { t: at(60) };
  const services: QueueService[] = [];
  const create = async (): Promise<{ service: QueueService; folded: [string, boolean][] }> => {
    const service = await QueueService.create({
      storage,
      directory,
      thresholds: () => DEFAULT_THRESHOLDS,
      logger,
      now: () => clock.t,
      debounceMs: 0,
    });
    services.push(service);
    const folded: [string, boolean][] = [];
    service.on('accepted', (event, _at, own) => folded.push([event.id, own]));
    return { service, folded };
  };
  const send = async (service: QueueService, events: QueueEvent[]): Promise<void> => {
    const result = await service.ingest(origin, events);
    expect(result.results.filter((r) => r.status !== 'accepted')).toEqual([]);
  };
  /** Everything the log decides about the department's tickets. */
  const stateOf = (service: QueueService) =>
    JSON.stringify([...(service.state('d')?.tickets.values() ?? [])]);
  const logOrder = async () => (await storage.listQueueEvents('d', 0)).map((r) => r.event.id);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-queue-log-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: () => clock.t });
  });

  afterEach(async () => {
    for (const s of services.splice(0)) s.close();
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('folds its own rows and the other’s in log order, each once, to the same state', async () => {
    const a = await create();
    const b = await create();
    const ea = sender('a');
    const eb = sender('b');
    await send(a.service, [
      ea({ type: 'counter.opened', counterId: 'c1' }, at(0)),
      ea({ type: 'counter.opened', counterId: 'c2' }, at(0)),
      ea(issued('t1', 1), at(1)),
      ea(issued('t2', 2), at(2)),
    ]);
    // B stores between A's batches: A must fold these before its next own rows.
    await send(b.service, [
      eb({ type: 'ticket.called', ticketId: 't1', counterId: 'c1' }, at(3)),
      eb({ type: 'service.started', ticketId: 't1', counterId: 'c1' }, at(3)),
    ]);
    await send(a.service, [
      ea({ type: 'service.finished', ticketId: 't1', counterId: 'c1', outcome: 'completed' }, at(9)),
      ea({ type: 'ticket.called', ticketId: 't2', counterId: 'c2' }, at(10)),
    ]);
    // More of B's rows than one read of the log holds, then one of A's after them.
    for (let round = 0; round < 3; round++) {
      const n = round * 250;
      await send(
        b.service,
        Array.from({ length: 250 }, (_, i) => eb(issued(`w${n + i}`, 100 + n + i), at(11))),
      );
    }
    await send(a.service, [ea({ type: 'service.started', ticketId: 't2', counterId: 'c2' }, at(12))]);
    await send(b.service, [
      eb({ type: 'ticket.called', ticketId: 'w0', counterId: 'c1' }, at(13)),
      eb({ type: 'ticket.no_show', ticketId: 'w0', counterId: 'c1' }, at(14)),
    ]);
    // What a change feed would have woken them for.
    await a.service.catchUp();
    await b.service.catchUp();

    const log = await logOrder();
    expect(log).toHaveLength(4 + 2 + 2 + 750 + 1 + 2);
    expect(a.folded.map(([id]) => id)).toEqual(log);
    expect(b.folded.map(([id]) => id)).toEqual(log);
    // `own` on exactly the events each stored.
    const ownOf = (folded: [string, boolean][]) => new Set(folded.filter(([, own]) => own).map(([id]) => id));
    const aOwn = ownOf(a.folded);
    const bOwn = ownOf(b.folded);
    expect([...aOwn]).toEqual(log.filter((id) => id.startsWith('a-')));
    expect([...bOwn]).toEqual(log.filter((id) => id.startsWith('b-')));

    const rebuilt = await create();
    expect(stateOf(a.service)).toBe(stateOf(rebuilt.service));
    expect(stateOf(b.service)).toBe(stateOf(rebuilt.service));
    expect(a.service.refresh('d')?.department).toEqual(rebuilt.service.refresh('d')?.department);
    expect(b.service.refresh('d')?.department).toEqual(rebuilt.service.refresh('d')?.department);
    expect(a.service.refresh('d')?.department).toMatchObject({ servedToday: 1, issuedToday: 752 });
  });

  it('reads the log only when another writer or a gap lies between its last row and the group it stored', async () => {
    const reads: [number, number][] = [];
    const between = storage.listQueueEventsBetween.bind(storage);
    storage.listQueueEventsBetween = (after, through, limit) => {
      reads.push([after, through]);
      return between(after, through, limit);
    };
    const a = await create();
    const b = await create();
    const ea = sender('a');
    const eb = sender('b');
    const first = ea(issued('t1', 1), at(1));
    await send(a.service, [ea({ type: 'counter.opened', counterId: 'c1' }, at(0)), first]);
    await send(a.service, [ea(issued('t2', 2), at(2))]);
    // Alone on the log, each group follows the last: nothing is read back.
    expect(reads).toEqual([]);
    // A replay: its duplicate leaves a gap in the sequence, which one (empty) read closes.
    const replay = await a.service.ingest(origin, [first, ea(issued('t3', 3), at(3))]);
    expect(replay.results.map((r) => r.status)).toEqual(['duplicate', 'accepted']);
    await send(a.service, [ea(issued('t4', 4), at(4))]);
    expect(reads).toHaveLength(1);
    // Another writer: its rows are read once, before A's next rows, and folded first.
    await send(b.service, [eb(issued('u1', 5), at(5)), eb(issued('u2', 6), at(5))]);
    reads.length = 0;
    await send(a.service, [ea(issued('t5', 7), at(6))]);
    expect(reads).toHaveLength(1);
    expect(a.folded.map(([id]) => id).slice(-3)).toEqual(['b-1', 'b-2', 'a-6']);
    expect(a.folded.map(([id]) => id)).toEqual(await logOrder());
  });

  it('answers a replay `duplicate` and stores and folds it once', async () => {
    const a = await create();
    const b = await create();
    const e = sender('x');
    const batch = [
      e({ type: 'counter.opened', counterId: 'c1' }, at(0)),
      e({ type: 'ticket.issued', ticketId: 't1', ticketNumber: 'A1', serviceCode: 'id-card' }, at(1)),
    ];
    await send(a.service, batch);
    const again = await b.service.ingest(origin, [
      ...batch,
      e({ type: 'ticket.called', ticketId: 't1', counterId: 'c1' }, at(2)),
    ]);
    expect(again.results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'accepted']);
    await a.service.catchUp();
    const log = await logOrder();
    expect(log).toHaveLength(3);
    expect(a.folded.map(([id]) => id)).toEqual(log);
    expect(b.folded.map(([id]) => id)).toEqual(log);
    expect(b.folded.filter(([, own]) => own).map(([id]) => id)).toEqual([log[2]]);
  });
});
