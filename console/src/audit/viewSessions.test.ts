import { describe, expect, it } from 'vitest';
import type { AuditAction, AuditEntry } from '@counterwatch/shared';
import { groupViewSessions, SESSION_GAP_MS, type ViewSession } from './viewSessions';

const T0 = Date.UTC(2025, 2, 14, 3, 2); // 10:02 in Vietnam
const MIN = 60_000;
let seq = 0;
function row(action: AuditAction, at: number, extra: Partial<AuditEntry> = {}): AuditEntry {
  seq += 1;
  return {
    seq,
    at,
    actorId: 1,
    actor: 'giamdoc',
    ip: null,
    action,
    departmentId: 'hk',
    counterId: 'hk-q1',
    objectType: 'consumer',
    objectId: 'c1',
    reason: null,
    details: { track: 'grid' },
    prevHash: '',
    hash: '',
    ...extra,
  };
}
const newestFirst = (rows: AuditEntry[]): AuditEntry[] => [...rows].sort((a, b) => b.seq - a.seq);

describe('groupViewSessions', () => {
  it('makes one line of a session that switched streams, and keeps other rows in place', () => {
    seq = 0;
    const rows = [
      row('live.view_start', T0, { objectId: 'grid-1' }),
      row('live.view_start', T0 + 3 * MIN, { objectId: 'focus-1', details: { track: 'focus' } }),
      row('live.view_stop', T0 + 4 * MIN, { objectId: 'grid-1' }),
      row('alert.acknowledge', T0 + 5 * MIN, { objectType: 'alert', objectId: '7' }),
      row('live.view_stop', T0 + 15 * MIN, { objectId: 'focus-1' }),
    ];
    const items = groupViewSessions(newestFirst(rows));
    expect(items.map((i) => i.type)).toEqual(['session', 'entry']);
    const session = items[0] as ViewSession;
    expect(session).toMatchObject({
      kind: 'view',
      actor: 'giamdoc',
      counterId: 'hk-q1',
      from: T0,
      to: T0 + 15 * MIN,
    });
    expect(session.entries.map((e) => e.seq)).toEqual([5, 3, 2, 1]);
  });

  it('splits after a gap with nothing open, and by person, counter and picture/sound', () => {
    seq = 0;
    const rows = [
      row('live.view_start', T0, { objectId: 'a' }),
      row('live.view_stop', T0 + MIN, { objectId: 'a' }),
      row('live.view_start', T0 + MIN + SESSION_GAP_MS + 1, { objectId: 'b' }),
      row('live.view_start', T0 + 2 * MIN, { objectId: 'x', actor: 'thanhtra' }),
      row('live.view_start', T0 + 2 * MIN, { objectId: 'y', counterId: 'hk-q2' }),
      row('live.audio_start', T0 + 2 * MIN, { objectId: 'z', details: { track: 'audio' } }),
    ];
    const sessions = groupViewSessions(newestFirst(rows)) as ViewSession[];
    expect(sessions).toHaveLength(5);
    const first = sessions.find((s) => s.entries.some((e) => e.objectId === 'a'))!;
    expect(first).toMatchObject({ from: T0, to: T0 + MIN });
    // Still open: no end time.
    expect(sessions.find((s) => s.entries.some((e) => e.objectId === 'b'))!.to).toBeNull();
    expect(sessions.find((s) => s.kind === 'audio')!.entries).toHaveLength(1);
  });

  it('joins rows close together even when a stop is missing from the page', () => {
    seq = 0;
    const rows = [
      row('live.view_stop', T0, { objectId: 'before-the-page' }),
      row('live.view_start', T0 + MIN, { objectId: 'n' }),
      row('live.view_stop', T0 + 2 * MIN, { objectId: 'n' }),
    ];
    const items = groupViewSessions(newestFirst(rows));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ type: 'session', from: T0, to: T0 + 2 * MIN });
  });
});
