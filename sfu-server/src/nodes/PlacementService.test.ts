import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, systemClock, type Counter } from '@counterwatch/shared';
import { SqliteStorage } from '../storage/sqlite/SqliteStorage.js';
import { NODE_ALIVE_MS } from './NodeRegistry.js';
import { PlacementService } from './PlacementService.js';

const logger = pino({ level: 'silent' });
const T0 = Date.UTC(2026, 11, 1, 3, 0);
const counter = (id: string, departmentId: string): Counter => ({ id, departmentId, name: id, services: [] });

describe('PlacementService', () => {
  let dir: string;
  let storage: SqliteStorage;
  let now: number;
  const departments = new Map<string, string>();
  const service = (self: string | null) =>
    new PlacementService({
      store: storage.nodes,
      departmentOf: (id) => departments.get(id),
      self,
      now: () => now,
      logger,
    });
  const beat = (name: string, at = now) =>
    storage.nodes.heartbeat({ name, url: `http://${name}:8080/`, capacity: 10, load: 0, startedAt: T0 }, at);

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-placement-'));
    storage = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    now = T0;
    departments.clear();
  });

  afterEach(async () => {
    await storage.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a control process sends every agent on; a media node keeps its own and sends the others on', async () => {
    await beat('m1');
    await beat('m2');
    departments.set('c1', 'd1');
    expect(await service(null).place(counter('c1', 'd1'), [])).toEqual({
      node: 'm1',
      url: 'http://m1:8080/',
    });
    // The same counter's hello on m1 is kept there; on m2 it is sent to m1.
    expect(await service('m1').place(counter('c1', 'd1'), [])).toBeNull();
    expect(await service('m2').place(counter('c1', 'd1'), [])).toEqual({
      node: 'm1',
      url: 'http://m1:8080/',
    });
    // A node never avoids itself: an agent that reached it can publish there.
    expect(await service('m1').place(counter('c1', 'd1'), ['m1'])).toBeNull();
  });

  it('keeps a department together, and moves a counter whose node went silent', async () => {
    await beat('m1');
    await beat('m2');
    departments.set('a1', 'da').set('a2', 'da').set('b1', 'db');
    const control = service(null);
    expect((await control.place(counter('a1', 'da'), []))?.node).toBe('m1');
    expect((await control.place(counter('b1', 'db'), []))?.node).toBe('m2');
    expect((await control.place(counter('a2', 'da'), []))?.node).toBe('m1');
    // m1 stops reporting: a hello after its heartbeat aged goes to m2.
    now = T0 + NODE_ALIVE_MS + 1;
    await beat('m2');
    expect((await control.place(counter('a1', 'da'), []))?.node).toBe('m2');
    expect(await storage.nodes.placement('a1')).toBe('m2');
  });

  it('keeps a department together when its agents come back at once (a drained node)', async () => {
    await beat('m1');
    await beat('m2');
    departments.set('a1', 'da').set('a2', 'da').set('b1', 'db').set('b2', 'db');
    const control = service(null);
    // All four hellos before any placement is written: each must see the ones before it.
    const nodes = await Promise.all(
      [counter('a1', 'da'), counter('b1', 'db'), counter('a2', 'da'), counter('b2', 'db')].map(
        async (c) => [c.id, (await control.place(c, []))?.node] as const,
      ),
    );
    expect(Object.fromEntries(nodes)).toEqual({ a1: 'm1', a2: 'm1', b1: 'm2', b2: 'm2' });
  });

  it('two control processes placing one counter at once agree on one node', async () => {
    await beat('m1');
    await beat('m2');
    const other = await SqliteStorage.create({ dataDir: dir, logger, now: systemClock });
    try {
      const second = new PlacementService({
        store: other.nodes,
        departmentOf: () => undefined,
        self: null,
        now: () => now,
        logger,
      });
      const answers = await Promise.all([
        service(null).place(counter('c1', 'd1'), []),
        second.place(counter('c1', 'd1'), []),
        service(null).place(counter('c1', 'd1'), []),
        second.place(counter('c1', 'd1'), []),
      ]);
      const stored = await storage.nodes.placement('c1');
      expect(answers.map((a) => a?.node)).toEqual([stored, stored, stored, stored]);
      // An agent that cannot reach its node moves the counter, whichever process it asks.
      const moved = await second.place(counter('c1', 'd1'), [stored ?? '']);
      expect(moved?.node).not.toBe(stored);
      expect(await storage.nodes.placement('c1')).toBe(moved?.node);
    } finally {
      await other.close();
    }
  });

  it('refuses when no node is alive and usable', async () => {
    await expect(service(null).place(counter('c1', 'd1'), [])).rejects.toThrow(AppError);
    await beat('m1');
    await storage.nodes.setDraining('m1', true);
    await expect(service(null).place(counter('c1', 'd1'), [])).rejects.toMatchObject({ code: 'unavailable' });
  });
});
