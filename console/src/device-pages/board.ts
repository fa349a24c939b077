import type { BoardState } from '@counterwatch/shared';

/** How long the newest call stays highlighted on the hall board. */
export const FRESH_CALL_MS = 10_000;

export type RecentCall = BoardState['recentCalls'][number];

/** Newest first, at most `max`; the first one is "fresh" while under 10 s old on the server's clock. */
export function recentCalls(board: BoardState, max = 8): { calls: RecentCall[]; freshAt: number | null } {
  const calls = [...board.recentCalls].sort((a, b) => b.at - a.at).slice(0, max);
  const newest = calls[0];
  const freshAt = newest && board.serverTime - newest.at < FRESH_CALL_MS ? newest.at : null;
  return { calls, freshAt };
}
