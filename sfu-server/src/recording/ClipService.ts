import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../logger.js';
import type { RecordingStore, SegmentRecord } from '../storage/Storage.js';
import { buildClip, exists, localSegmentFile, pruneClips, type Clip } from './clips.js';
import { isContainer } from './paths.js';

/** Copies a segment another node holds into `file`; false (logged) when that node cannot give it now. */
export interface SegmentFetcher {
  fetch(segment: SegmentRecord, file: string): Promise<boolean>;
}

export interface ClipServiceOptions {
  store: Pick<RecordingStore, 'segmentsOverlapping'>;
  /** This process's node: its segments are read from `recordingsDir`. */
  node: string;
  /** This process's recordings root; null for a process that records nothing (a control process). */
  recordingsDir: string | null;
  /** Built clips and fetched segments: a cache, safe to delete. */
  clipsDir: string;
  /** Other nodes' segments; null on a single process (every segment is its own). */
  remote: SegmentFetcher | null;
  ffmpegPath?: string;
  /** Clips and fetched segments not used for this long are deleted; default 24 h. */
  maxAgeMs?: number;
  /** How often the cache is pruned once started; default hourly. */
  pruneIntervalMs?: number;
  logger: Logger;
}

/** Where fetched segments are kept, under clipsDir (one file per segment id: segments never change). */
const FETCHED = '.segments';

/**
 * Clips of a counter's recording for playback, review and export, on whatever process serves the
 * console: cut without re-encoding from the segments this process holds and, in a cluster, copies
 * of those other media nodes hold (fetched once, kept as a cache). A span that crosses a failover —
 * segments on two nodes — is one clip. Concurrent requests for the same clip share one build.
 */
export class ClipService {
  readonly #options: ClipServiceOptions;
  readonly #root: string | null;
  readonly #clipsDir: string;
  readonly #logger: Logger;
  readonly #building = new Map<string, Promise<Clip>>();
  readonly #fetching = new Map<number, Promise<string | null>>();
  #pruneTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  private constructor(options: ClipServiceOptions, root: string | null, clipsDir: string) {
    this.#options = options;
    this.#root = root;
    this.#clipsDir = clipsDir;
    this.#logger = options.logger.child({ module: 'clips' });
  }

  static async create(options: ClipServiceOptions): Promise<ClipService> {
    await fs.mkdir(path.join(options.clipsDir, FETCHED), { recursive: true, mode: 0o750 });
    // Containment checks compare real paths; clip paths are handed out under clipsDir as configured.
    let root: string | null = null;
    if (options.recordingsDir !== null) {
      await fs.mkdir(options.recordingsDir, { recursive: true, mode: 0o750 });
      root = await fs.realpath(options.recordingsDir);
    }
    return new ClipService(options, root, path.resolve(options.clipsDir));
  }

  /** Where clips are written: the download root of a playback link. */
  get dir(): string {
    return this.#clipsDir;
  }

  /** Builds (or reuses) a clip of [from, to] from the counter's segments, wherever they are. */
  clip(counterId: string, from: number, to: number): Promise<Clip> {
    if (this.#closed) return Promise.reject(new Error('clip service closed'));
    const key = JSON.stringify([counterId, from, to]);
    const pending = this.#building.get(key);
    if (pending) return pending;
    const building = buildClip({
      store: this.#options.store,
      locate: (segment) => this.#locate(segment),
      clipsDir: this.#clipsDir,
      ffmpegPath: this.#options.ffmpegPath ?? 'ffmpeg',
      logger: this.#logger.child({ counterId }),
      counterId,
      from,
      to,
    }).finally(() => this.#building.delete(key));
    this.#building.set(key, building);
    return building;
  }

  /** Prunes the cache now and periodically. */
  start(): void {
    if (this.#closed || this.#pruneTimer) return;
    const prune = (): void => {
      this.prune().catch((error: unknown) => this.#logger.error({ err: error }, 'clip cache not pruned'));
    };
    this.#pruneTimer = setInterval(prune, this.#options.pruneIntervalMs ?? 3_600_000);
    prune();
  }

  /** Deletes clips and fetched segments not used for maxAgeMs. */
  async prune(): Promise<void> {
    const maxAgeMs = this.#options.maxAgeMs ?? 86_400_000;
    await pruneClips(this.#clipsDir, maxAgeMs, this.#logger);
    await pruneClips(path.join(this.#clipsDir, FETCHED), maxAgeMs, this.#logger);
  }

  /** Waits for the builds under way; no new ones start. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#pruneTimer);
    await Promise.allSettled([...this.#building.values(), ...this.#fetching.values()]);
  }

  async #locate(segment: SegmentRecord): Promise<string | null> {
    if (segment.node === this.#options.node) {
      if (this.#root === null) {
        this.#logger.error({ segmentId: segment.id }, 'segment of this node, which records nothing');
        return null;
      }
      return localSegmentFile(this.#root, segment, this.#logger);
    }
    const remote = this.#options.remote;
    if (remote === null) {
      this.#logger.warn({ segmentId: segment.id, node: segment.node }, 'segment of another node left out');
      return null;
    }
    const pending = this.#fetching.get(segment.id);
    if (pending) return pending;
    const fetching = this.#fetched(remote, segment).finally(() => this.#fetching.delete(segment.id));
    this.#fetching.set(segment.id, fetching);
    return fetching;
  }

  /** A copy of another node's segment, fetched now or earlier; written whole or not at all. */
  async #fetched(remote: SegmentFetcher, segment: SegmentRecord): Promise<string | null> {
    // The row's container is checked before it names a file.
    if (!isContainer(segment.container)) return null;
    const file = path.join(this.#clipsDir, FETCHED, `${segment.id}.${segment.container}`);
    if (await exists(file)) {
      // eslint-disable-next-line no-restricted-syntax -- file times are the machine's, not the injected clock's
      const now = new Date();
      await fs.utimes(file, now, now);
      return file;
    }
    const partial = path.join(this.#clipsDir, FETCHED, `.${segment.id}-${process.pid}.part`);
    try {
      if (!(await remote.fetch(segment, partial))) return null;
      await fs.rename(partial, file);
      return file;
    } catch (error) {
      this.#logger.warn({ err: error, segmentId: segment.id, node: segment.node }, 'segment not fetched');
      return null;
    } finally {
      // force: a partial already renamed into place (or never made) is not an error.
      await fs.rm(partial, { force: true }).catch((error: unknown) => {
        this.#logger.warn({ err: error }, 'partial segment not removed');
      });
    }
  }
}
