import type { AuditEntry } from '@counterwatch/shared';

/** Rows further apart than this (with nothing open in between) are separate viewing sessions. */
export const SESSION_GAP_MS = 2 * 60_000;

const LIVE = {
  'live.view_start': { kind: 'view', start: true },
  'live.view_stop': { kind: 'view', start: false },
  'live.audio_start': { kind: 'audio', start: true },
  'live.audio_stop': { kind: 'audio', start: false },
} as const;
type LiveAction = keyof typeof LIVE;
const isLive = (action: string): action is LiveAction => action in LIVE;

/** One person watching (or listening to) one counter for a while: its start/stop rows as one line. */
export interface ViewSession {
  type: 'session';
  kind: 'view' | 'audio';
  actor: string;
  departmentId: string | null;
  counterId: string | null;
  from: number;
  /** The last stop; null while a stream the session opened has no stop among these rows. */
  to: number | null;
  /** Newest first, as the table shows rows. */
  entries: AuditEntry[];
  oldest: AuditEntry;
  newest: AuditEntry;
}

export type AuditItem = { type: 'entry'; entry: AuditEntry } | ViewSession;

/**
 * Groups the live-view start/stop rows of a page of the trail into viewing
 * sessions: the same person, counter and kind (picture or sound), with a
 * stream open or the rows within `SESSION_GAP_MS` of each other. Every other
 * row stays as it is. Input and output newest first; each session sits where
 * its newest row was. Only the view groups: the trail and its export keep the rows.
 */
export function groupViewSessions(entries: readonly AuditEntry[]): AuditItem[] {
  const chronological = [...entries].sort((a, b) => a.seq - b.seq);
  const open = new Map<string, { session: ViewSession; streams: Set<string>; lastAt: number }>();
  const items: { newestSeq: number; item: AuditItem }[] = [];
  const sessions: ViewSession[] = [];

  for (const entry of chronological) {
    if (!isLive(entry.action)) {
      items.push({ newestSeq: entry.seq, item: { type: 'entry', entry } });
      continue;
    }
    const { kind, start } = LIVE[entry.action];
    const key = JSON.stringify([entry.actor, entry.counterId, kind]);
    let current = open.get(key);
    if (current && current.streams.size === 0 && entry.at - current.lastAt > SESSION_GAP_MS)
      current = undefined;
    if (!current) {
      const session: ViewSession = {
        type: 'session',
        kind,
        actor: entry.actor,
        departmentId: entry.departmentId,
        counterId: entry.counterId,
        from: entry.at,
        to: null,
        entries: [],
        oldest: entry,
        newest: entry,
      };
      sessions.push(session);
      current = { session, streams: new Set(), lastAt: entry.at };
      open.set(key, current);
    }
    current.session.entries.unshift(entry);
    current.session.newest = entry;
    current.lastAt = entry.at;
    const stream = entry.objectId ?? '';
    if (start) current.streams.add(stream);
    else current.streams.delete(stream);
    current.session.to = current.streams.size === 0 ? entry.at : null;
  }
  for (const session of sessions) items.push({ newestSeq: session.newest.seq, item: session });
  return items.sort((a, b) => b.newestSeq - a.newestSeq).map((i) => i.item);
}
