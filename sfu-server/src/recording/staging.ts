import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CounterIdSchema, DepartmentIdSchema, type Clock } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { RecordingStore, SegmentRecord } from '../storage/Storage.js';
import { isErrno, segmentRelativePath } from './paths.js';

/**
 * A recorder run's staging folder holds what ffmpeg writes (`seg-000000.webm`…),
 * the SDP it reads, and `run.json` describing the run. Completed segments
 * are moved out into their day folder and indexed; whatever is left when a
 * run ends (ffmpeg killed mid-segment, server crash) is salvaged, not lost.
 */
/** Where filed segments are indexed: the store, with this node's name already on every row. */
export interface SegmentSink {
  /** The node whose segments these are. */
  readonly node: string;
  // A property, not a method: checked strictly, so a bare store (which wants `node`) is refused.
  insertSegment: (segment: Omit<SegmentRecord, 'id' | 'node'>) => Promise<SegmentRecord>;
}

/** The store as a sink of `node`'s segments. */
export function segmentSink(store: Pick<RecordingStore, 'insertSegment'>, node: string): SegmentSink {
  return { node, insertSegment: (segment) => store.insertSegment({ ...segment, node }) };
}

export const SEGMENT_FILE = /^seg-(\d{6})\.(webm|mkv)$/;
export const RUN_META_FILE = 'run.json';
export const SDP_FILE = 'input.sdp';

const RunMetaSchema = z.object({
  counterId: CounterIdSchema,
  departmentId: DepartmentIdSchema,
  runId: z.string().regex(/^[a-z0-9-]{1,40}$/),
  container: z.enum(['webm', 'mkv']),
  /** The node that ran it: nodes sharing a recordings folder (one host) salvage only their own. */
  node: z.string().default(''),
});
export type RunMeta = z.input<typeof RunMetaSchema>;

/** Anything smaller holds no media worth keeping (a header at most). */
const MIN_SALVAGE_BYTES = 4096;

export async function writeRunMeta(dir: string, meta: RunMeta): Promise<void> {
  await fs.writeFile(path.join(dir, RUN_META_FILE), JSON.stringify(meta), { mode: 0o600 });
}

async function readRunMeta(dir: string, logger: Logger): Promise<RunMeta | null> {
  let text: string;
  try {
    text = await fs.readFile(path.join(dir, RUN_META_FILE), 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    logger.error({ err: error, dir }, 'recording run description is not JSON');
    return null;
  }
  const result = RunMetaSchema.safeParse(value);
  if (!result.success) {
    logger.error({ dir, issues: result.error.issues }, 'recording run description is invalid');
    return null;
  }
  return result.data;
}

/** Moves a finished segment file to its day folder and indexes it. */
export async function fileSegment(options: {
  root: string;
  store: SegmentSink;
  meta: RunMeta;
  source: string;
  seq: number;
  startedAt: number;
  endedAt: number;
}): Promise<SegmentRecord> {
  const { meta } = options;
  const { size } = await fs.stat(options.source);
  const relative = segmentRelativePath(
    meta.counterId,
    options.startedAt,
    meta.runId,
    options.seq,
    meta.container,
  );
  const target = path.join(options.root, relative);
  await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o750 });
  try {
    await fs.rename(options.source, target);
  } catch (error) {
    // Retention removes empty day folders; it may have removed this one just after we made it.
    if (!isErrno(error, 'ENOENT')) throw error;
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o750 });
    await fs.rename(options.source, target);
  }
  return options.store.insertSegment({
    counterId: meta.counterId,
    departmentId: meta.departmentId,
    path: relative,
    startedAt: options.startedAt,
    endedAt: options.endedAt,
    bytes: size,
    container: meta.container,
  });
}

/**
 * Files the segment files a run left behind and removes the staging folder.
 * Their span comes from the file itself: created (birth time) → last
 * written (mtime), or `knownStart` for the first one when the run knows
 * where its last complete segment ended. Accurate to about a second.
 */
export async function salvageRun(options: {
  root: string;
  store: SegmentSink;
  dir: string;
  segmentSeconds: number;
  knownStart: number | null;
  logger: Logger;
  /** The injected clock: file times are on the machine's, and are moved onto it. */
  now: Clock;
}): Promise<SegmentRecord[]> {
  const { dir, logger } = options;
  // eslint-disable-next-line no-restricted-syntax -- the machine's time, to map file times onto the injected clock
  const fileTimeOffset = options.now() - Date.now();
  let entries: string[];
  try {
    entries = await fs.readdir(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return []; // the run never got as far as making its folder
    throw error;
  }
  const names = entries.filter((n) => SEGMENT_FILE.test(n)).sort();
  const meta = await readRunMeta(dir, logger);
  if (names.length > 0 && !meta) {
    logger.error(
      { dir, files: names.length },
      'leftover segments without a run description kept for an operator',
    );
    return [];
  }
  const filed: SegmentRecord[] = [];
  let knownStart = options.knownStart;
  for (const name of names) {
    const source = path.join(dir, name);
    const seq = Number(SEGMENT_FILE.exec(name)?.[1] ?? 0);
    const stat = await fs.stat(source);
    const startedAt = Math.round(
      knownStart ??
        (stat.birthtimeMs > 0 ? stat.birthtimeMs : stat.mtimeMs - options.segmentSeconds * 1000) +
          fileTimeOffset,
    );
    knownStart = null;
    const endedAt = Math.max(startedAt + 1, Math.round(stat.mtimeMs + fileTimeOffset));
    if (stat.size < MIN_SALVAGE_BYTES || !meta) {
      logger.info({ file: name, bytes: stat.size }, 'empty partial segment removed');
      await fs.unlink(source);
      continue;
    }
    const segment = await fileSegment({
      root: options.root,
      store: options.store,
      meta,
      source,
      seq,
      startedAt,
      endedAt,
    });
    logger.warn({ path: segment.path, startedAt, endedAt, bytes: segment.bytes }, 'partial segment salvaged');
    filed.push(segment);
  }
  await fs.rm(path.join(dir, SDP_FILE), { force: true });
  await fs.rm(path.join(dir, RUN_META_FILE), { force: true });
  await removeEmptyFolder(dir, logger);
  await removeEmptyFolder(path.dirname(dir), logger);
  return filed;
}

/** Salvages every staging folder under the root: runs of a previous process that did not end cleanly. */
export async function salvageLeftovers(options: {
  root: string;
  store: SegmentSink;
  segmentSeconds: number;
  logger: Logger;
  now: Clock;
}): Promise<SegmentRecord[]> {
  const filed: SegmentRecord[] = [];
  for (const counter of await fs.readdir(options.root, { withFileTypes: true })) {
    if (!counter.isDirectory() || !CounterIdSchema.safeParse(counter.name).success) continue;
    const incoming = path.join(options.root, counter.name, '.incoming');
    let runs: string[];
    try {
      runs = await fs.readdir(incoming);
    } catch (error) {
      if (isErrno(error, 'ENOENT')) continue; // no run of this counter was interrupted
      throw error;
    }
    for (const run of runs) {
      const dir = path.join(incoming, run);
      try {
        const meta = await readRunMeta(dir, options.logger);
        if (meta && meta.node !== options.store.node) continue; // another node's run, maybe live
        filed.push(
          ...(await salvageRun({
            ...options,
            dir,
            knownStart: null,
            logger: options.logger.child({ counterId: counter.name }),
          })),
        );
      } catch (error) {
        options.logger.error({ err: error, dir }, 'leftover recording run not salvaged');
      }
    }
  }
  return filed;
}

/** rmdir that only succeeds on an empty folder; a non-empty one is expected and left alone. */
export async function removeEmptyFolder(dir: string, logger: Logger): Promise<boolean> {
  try {
    await fs.rmdir(dir);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOTEMPTY') || isErrno(error, 'EEXIST') || isErrno(error, 'ENOENT')) {
      logger.debug({ dir }, 'folder not removed: not empty or gone');
      return false;
    }
    throw error;
  }
}
