import type { BoardCall, BoardState } from '@counterwatch/shared';

/** How long the newest call stays highlighted on the hall board. */
export const FRESH_CALL_MS = 10_000;

export type RecentCall = BoardCall;

/** Newest first, at most `max`; the first one is "fresh" while under 10 s old on the server's clock. */
export function recentCalls(board: BoardState, max = 8): { calls: RecentCall[]; freshAt: number | null } {
  const calls = [...board.recentCalls].sort((a, b) => b.at - a.at).slice(0, max);
  const newest = calls[0];
  const freshAt = newest && board.serverTime - newest.at < FRESH_CALL_MS ? newest.at : null;
  return { calls, freshAt };
}

/**
 * The calls to read out since the last poll, oldest first. A recall moves a
 * call's time on, so it is read out again. On the first poll only calls of
 * the last few seconds are read (a reloaded board does not recite the day).
 */
export function callsToAnnounce(
  board: BoardState,
  announcedUpTo: number | null,
): { calls: BoardCall[]; upTo: number } {
  const since = announcedUpTo ?? board.serverTime - FRESH_CALL_MS;
  const calls = board.recentCalls.filter((c) => c.at > since).sort((a, b) => a.at - b.at);
  const upTo = Math.max(since, ...calls.map((c) => c.at));
  return { calls, upTo };
}
