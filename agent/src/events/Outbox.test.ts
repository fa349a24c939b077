import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { systemClock } from '@counterwatch/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox, OutboxFullError } from './Outbox.js';

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  body: { id, type: 'counter.opened', counterId: 'c01', ...extra },
});

describe('Outbox', () => {
  let dir: string;
  const open: Outbox[] = [];
  const outbox = (capacity?: number): Outbox => {
    const box = new Outbox({ dir, capacity, now: systemClock });
    open.push(box);
    return box;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-outbox-'));
  });

  afterEach(() => {
    for (const box of open.splice(0)) box.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts empty and creates its directory and database', () => {
    const nested = path.join(dir, 'state', 'c01');
    const box = new Outbox({ dir: nested, now: systemClock });
    open.push(box);
    expect(box.pending).toBe(0);
    expect(box.deadLetters).toBe(0);
    expect(box.full).toBe(false);
    expect(box.capacity).toBe(100_000);
    expect(fs.existsSync(path.join(nested, 'outbox.db'))).toBe(true);
    expect(fs.statSync(nested).mode & 0o777).toBe(0o700);
  });

  it('peeks the oldest events in arrival order with their bodies', () => {
    const box = outbox();
    expect(box.enqueue([event('b'), event('a')])).toEqual({ queued: ['b', 'a'], duplicate: [] });
    box.enqueue([event('c', { note: 'ünïcode ✓' })]);
    const items = box.peek(10);
    expect(items.map((i) => i.eventId)).toEqual(['b', 'a', 'c']);
    expect(items[2]!.body).toEqual({ id: 'c', type: 'counter.opened', counterId: 'c01', note: 'ünïcode ✓' });
    // Sequence numbers grow with arrival.
    expect(items[0]!.seq).toBeLessThan(items[1]!.seq);
    expect(items[1]!.seq).toBeLessThan(items[2]!.seq);
    expect(box.peek(2).map((i) => i.eventId)).toEqual(['b', 'a']);
    // Peeking does not remove anything.
    expect(box.pending).toBe(3);
  });

  it('reports events already queued as duplicates and keeps the first body', () => {
    const box = outbox();
    box.enqueue([event('e1', { v: 1 })]);
    expect(box.enqueue([event('e2'), event('e1', { v: 2 })])).toEqual({ queued: ['e2'], duplicate: ['e1'] });
    expect(box.pending).toBe(2);
    expect(box.peek(1)[0]!.body).toMatchObject({ v: 1 });
  });

  it('treats a repeated id within one batch as a duplicate', () => {
    const box = outbox();
    expect(box.enqueue([event('x'), event('x')])).toEqual({ queued: ['x'], duplicate: ['x'] });
    expect(box.pending).toBe(1);
  });

  it('acknowledge forgets the given events only, and ignores unknown ids', () => {
    const box = outbox();
    box.enqueue([event('a'), event('b'), event('c')]);
    box.acknowledge(['a', 'c', 'nope']);
    expect(box.peek(10).map((i) => i.eventId)).toEqual(['b']);
    expect(box.pending).toBe(1);
  });

  it('an acknowledged id can be queued again (the server decides about duplicates then)', () => {
    const box = outbox();
    box.enqueue([event('a')]);
    box.acknowledge(['a']);
    expect(box.enqueue([event('a')])).toEqual({ queued: ['a'], duplicate: [] });
  });

  it('refuses a batch that does not fit, storing nothing of it', () => {
    const box = outbox(3);
    box.enqueue([event('a'), event('b')]);
    let caught: unknown;
    try {
      box.enqueue([event('c'), event('d')]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OutboxFullError);
    expect((caught as OutboxFullError).capacity).toBe(3);
    expect((caught as OutboxFullError).message).toContain('3 events waiting');
    expect(box.peek(10).map((i) => i.eventId)).toEqual(['a', 'b']);
    // One still fits; then it is full.
    expect(box.enqueue([event('c')]).queued).toEqual(['c']);
    expect(box.full).toBe(true);
    expect(() => box.enqueue([event('d')])).toThrow(OutboxFullError);
    // Making room lets events in again.
    box.acknowledge(['a']);
    expect(box.full).toBe(false);
    expect(box.enqueue([event('d')]).queued).toEqual(['d']);
  });

  it('an empty batch is fine even when full', () => {
    const box = outbox(1);
    box.enqueue([event('a')]);
    expect(box.enqueue([])).toEqual({ queued: [], duplicate: [] });
  });

  it('deadLetter moves events out of the queue with their reason', () => {
    const box = outbox();
    box.enqueue([event('a'), event('b'), event('c')]);
    box.deadLetter([
      { eventId: 'b', reason: 'type: invalid' },
      { eventId: 'missing', reason: 'x' },
    ]);
    expect(box.pending).toBe(2);
    expect(box.deadLetters).toBe(1);
    expect(box.peek(10).map((i) => i.eventId)).toEqual(['a', 'c']);
    box.close();

    // The row keeps the original body and the reason.
    const db = new BetterSqlite3(path.join(dir, 'outbox.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT event_id, body, reason FROM dead_letters').all();
      expect(rows).toEqual([
        { event_id: 'b', body: JSON.stringify(event('b').body), reason: 'type: invalid' },
      ]);
    } finally {
      db.close();
    }
  });

  it('stores and replaces meta values', () => {
    const box = outbox();
    expect(box.getMeta('cursor')).toBeUndefined();
    box.setMeta('cursor', '41');
    box.setMeta('cursor', '42');
    box.setMeta('other', '');
    expect(box.getMeta('cursor')).toBe('42');
    expect(box.getMeta('other')).toBe('');
  });

  it('keeps events, dead letters and meta across close and reopen', () => {
    const first = new Outbox({ dir, capacity: 10, now: systemClock });
    first.enqueue([event('a'), event('b'), event('c')]);
    first.acknowledge(['a']);
    first.deadLetter([{ eventId: 'c', reason: 'rejected' }]);
    first.setMeta('lastSeq', '7');
    first.close();
    first.close(); // idempotent

    const second = outbox(10);
    expect(second.peek(10).map((i) => [i.eventId, i.body])).toEqual([['b', event('b').body]]);
    expect(second.deadLetters).toBe(1);
    expect(second.getMeta('lastSeq')).toBe('7');
    // Duplicates are still detected after a restart.
    expect(second.enqueue([event('b')])).toEqual({ queued: [], duplicate: ['b'] });
    // New events come after the old ones.
    second.enqueue([event('d')]);
    expect(second.peek(10).map((i) => i.eventId)).toEqual(['b', 'd']);
  });
});
