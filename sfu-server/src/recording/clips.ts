import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { RecordingStore, SegmentRecord } from '../storage/Storage.js';
import { clipArgs, concatListLine } from './ffmpegArgs.js';
import { runFfmpeg } from './ffmpegProcess.js';
import { isContainer, isErrno, resolveInside, type Container } from './paths.js';

export interface Clip {
  /** Absolute path of the clip file, under clipsDir as configured (resolved, symlinks kept). */
  path: string;
  container: Container;
  /** The span actually covered: the request clamped to the recording. */
  from: number;
  to: number;
  segments: number;
}

/**
 * Where a segment's file can be read here: under this process's recordings root, or a copy fetched
 * from the node that holds it. Null when it cannot be had now (missing, outside the root, node down).
 */
export type SegmentLocator = (segment: SegmentRecord) => Promise<string | null>;

export interface ClipOptions {
  store: Pick<RecordingStore, 'segmentsOverlapping'>;
  locate: SegmentLocator;
  clipsDir: string;
  ffmpegPath: string;
  logger: Logger;
  counterId: string;
  from: number;
  to: number;
}

const CLIP_TIMEOUT_MS = 120_000;

/**
 * A clip of [from, to] cut from the counter's segments without re-encoding,
 * cached in clipsDir under a name derived from what it is made of, so the
 * same request (with the same segments) reuses the file.
 */
export async function buildClip(options: ClipOptions): Promise<Clip> {
  const { counterId, from, to, logger } = options;
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from)
    throw new AppError('invalid_request', 'a clip needs from < to');
  const rows = await options.store.segmentsOverlapping(counterId, from, to);
  const usable = await usableSegments(options.locate, rows, logger);
  const first = usable[0];
  const last = usable.at(-1);
  if (!first || !last) throw new AppError('not_found', 'no recording of this counter in that span');
  const container = first.container;

  const coveredFrom = Math.max(from, first.segment.startedAt);
  const coveredTo = Math.min(to, last.segment.endedAt);
  const hash = createHash('sha256')
    .update(JSON.stringify([counterId, from, to, usable.map((u) => u.segment.id)]))
    .digest('hex')
    .slice(0, 32);
  const output = path.join(options.clipsDir, `${counterId}-${hash}.${container}`);
  const clip: Clip = { path: output, container, from: coveredFrom, to: coveredTo, segments: usable.length };
  if (await exists(output)) {
    // Reused: its age restarts, so pruning does not take it away from under the caller.
    // File times are the machine's, not the injected clock's.
    // eslint-disable-next-line no-restricted-syntax
    const now = new Date();
    await fs.utimes(output, now, now);
    return clip;
  }

  const suffix = randomBytes(4).toString('hex');
  const listFile = path.join(options.clipsDir, `.${hash}-${suffix}.txt`);
  const partial = path.join(options.clipsDir, `.${hash}-${suffix}.${container}`);
  try {
    await fs.writeFile(listFile, `${usable.map((u) => concatListLine(u.file)).join('\n')}\n`, {
      mode: 0o600,
    });
    await runFfmpeg(
      options.ffmpegPath,
      clipArgs({
        listFile,
        output: partial,
        container,
        offsetSeconds: (coveredFrom - first.segment.startedAt) / 1000,
        durationSeconds: (coveredTo - coveredFrom) / 1000,
      }),
      { timeoutMs: CLIP_TIMEOUT_MS, logger },
    );
    // Atomic: a reader never sees a half-written clip under the final name.
    await fs.rename(partial, output);
  } finally {
    await fs.rm(listFile, { force: true });
    await fs.rm(partial, { force: true });
  }
  logger.info({ from: coveredFrom, to: coveredTo, segments: usable.length }, 'clip built');
  return clip;
}

/**
 * The segments a clip can be made of: files to be had, of one container (the first segment's: the
 * concat demuxer cannot mix codecs). A span across a failover is segments of two nodes, one clip.
 */
async function usableSegments(
  locate: SegmentLocator,
  rows: SegmentRecord[],
  logger: Logger,
): Promise<{ segment: SegmentRecord; file: string; container: Container }[]> {
  const usable: { segment: SegmentRecord; file: string; container: Container }[] = [];
  for (const segment of rows) {
    const container = segment.container;
    if (!isContainer(container)) {
      logger.error({ segmentId: segment.id, container }, 'segment row with unknown container');
      continue;
    }
    if (usable[0] && container !== usable[0].container) {
      logger.warn({ segmentId: segment.id }, 'clip stops where the recording changes container');
      break;
    }
    const file = await locate(segment);
    if (file !== null) usable.push({ segment, file, container });
  }
  return usable;
}

/** The local file of a segment this process wrote, or null (logged) when it cannot be used. */
export async function localSegmentFile(
  root: string,
  segment: SegmentRecord,
  logger: Logger,
): Promise<string | null> {
  const file = await resolveInside(root, segment.path);
  if (file === null) {
    logger.error(
      { segmentId: segment.id, path: segment.path },
      'segment row points outside the recordings folder',
    );
    return null;
  }
  if (!(await exists(file))) {
    logger.warn({ segmentId: segment.id, path: segment.path }, 'segment file missing; left out of the clip');
    return null;
  }
  return file;
}

export async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}

/**
 * Deletes clips, and leftovers of interrupted builds, not used for
 * `maxAgeMs`: clips are a cache. A reader that has a clip open keeps it.
 */
export async function pruneClips(clipsDir: string, maxAgeMs: number, logger: Logger): Promise<number> {
  let removed = 0;
  for (const entry of await fs.readdir(clipsDir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(clipsDir, entry.name);
    let mtimeMs: number;
    try {
      ({ mtimeMs } = await fs.stat(file));
    } catch (error) {
      if (isErrno(error, 'ENOENT')) continue; // removed meanwhile (a build renaming its partial file)
      throw error;
    }
    // eslint-disable-next-line no-restricted-syntax -- file times are the machine's, not the injected clock's
    if (Date.now() - mtimeMs < maxAgeMs) continue;
    await fs.rm(file, { force: true });
    removed += 1;
  }
  if (removed > 0) logger.info({ removed }, 'old clips removed');
  return removed;
}
