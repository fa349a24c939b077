import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logger.js';
import type { RecordingStore, SegmentRecord } from '../storage/Storage.js';
import { DAY_FOLDER, isErrno, isInside, resolveInside } from './paths.js';
import { removeEmptyFolder } from './staging.js';

export interface HeldSpan {
  counterId: string;
  from: number;
  to: number;
}

export interface RetentionResult {
  /** Segments removed from the index. */
  deleted: number;
  /** Bytes of segment files actually deleted. */
  freedBytes: number;
  usedBytes: number;
  /** Over quota with nothing unheld left to delete. */
  full: boolean;
}

export interface RetentionOptions {
  store: RecordingStore;
  /** Whose segments: a node's retention and quota cover its own disk only. */
  node: string;
  heldSpans: HeldSpan[];
  /** Real path of the recordings root. */
  root: string;
  retentionDays: number;
  quotaBytes: number | null;
  now: number;
  logger: Logger;
}

const PAGE = 500;

/**
 * One retention pass: first segments past the retention period, then, over
 * quota, the oldest segments until under it. A segment overlapping a held
 * span (flagged interaction, inspection) is never deleted, nor is any file
 * outside the recordings root, whatever a row says.
 */
export async function applyRetention(options: RetentionOptions): Promise<RetentionResult> {
  const { store, node, logger } = options;
  const held = new Map<string, HeldSpan[]>();
  for (const span of options.heldSpans) {
    const list = held.get(span.counterId) ?? [];
    list.push(span);
    held.set(span.counterId, list);
  }
  const isHeld = (s: SegmentRecord): boolean =>
    (held.get(s.counterId) ?? []).some((h) => s.startedAt < h.to && s.endedAt > h.from);

  let deleted = 0;
  let freedBytes = 0;
  const touchedFolders = new Set<string>();
  const remove = async (segment: SegmentRecord): Promise<boolean> => {
    const removed = await deleteSegment(options.root, store, segment, logger);
    if (!removed) return false;
    deleted += 1;
    if (removed === 'deleted') freedBytes += segment.bytes;
    if (removed !== 'outside') touchedFolders.add(path.dirname(path.resolve(options.root, segment.path)));
    return true;
  };

  // 1. Past the retention period.
  const cutoff = options.now - options.retentionDays * 86_400_000;
  for await (const segment of oldestFirst(store, node)) {
    if (segment.startedAt >= cutoff) break; // later segments cannot have ended before the cutoff
    if (segment.endedAt >= cutoff || isHeld(segment)) continue;
    await remove(segment);
  }

  // 2. Over quota: oldest unheld first.
  let usedBytes = await store.totalBytes(node);
  if (options.quotaBytes !== null && usedBytes > options.quotaBytes) {
    for await (const segment of oldestFirst(store, node)) {
      if (usedBytes <= options.quotaBytes) break;
      if (isHeld(segment)) continue;
      if (await remove(segment)) usedBytes -= segment.bytes;
    }
    usedBytes = await store.totalBytes(node);
  }

  for (const folder of touchedFolders) {
    if (DAY_FOLDER.test(path.basename(folder)) && isInside(options.root, folder))
      await removeEmptyFolder(folder, logger);
  }
  const full = options.quotaBytes !== null && usedBytes > options.quotaBytes;
  return { deleted, freedBytes, usedBytes, full };
}

/** A node's segments, oldest first, a page at a time (rows may be deleted while walking). */
async function* oldestFirst(store: RecordingStore, node: string): AsyncGenerator<SegmentRecord> {
  let after: { startedAt: number; id: number } | undefined;
  for (;;) {
    const page = await store.oldestSegments(node, PAGE, after);
    for (const segment of page) yield segment;
    const last = page.at(-1);
    if (!last || page.length < PAGE) return;
    after = { startedAt: last.startedAt, id: last.id };
  }
}

/**
 * Deletes the file, then the row. A row pointing outside the root (corrupt)
 * loses its row but its file is never touched. A file that cannot be
 * deleted keeps its row, so it is still accounted for and retried.
 */
async function deleteSegment(
  root: string,
  store: RecordingStore,
  segment: SegmentRecord,
  logger: Logger,
): Promise<'deleted' | 'missing' | 'outside' | false> {
  const file = await resolveInside(root, segment.path);
  if (file === null) {
    logger.error(
      { segmentId: segment.id, counterId: segment.counterId, path: segment.path },
      'segment row points outside the recordings folder; row dropped, file left alone',
    );
    await store.deleteSegment(segment.id);
    return 'outside';
  }
  let outcome: 'deleted' | 'missing' = 'deleted';
  try {
    await fs.unlink(file);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) {
      logger.error({ err: error, segmentId: segment.id, path: segment.path }, 'segment file not deleted');
      return false;
    }
    logger.warn({ segmentId: segment.id, path: segment.path }, 'segment file already gone; row dropped');
    outcome = 'missing';
  }
  await store.deleteSegment(segment.id);
  return outcome;
}
