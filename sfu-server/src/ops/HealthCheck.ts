import fs from 'node:fs/promises';
import type { Logger } from '../logger.js';

/** The dependencies the health endpoint names. */
export type Dependency = 'database' | 'mediaWorkers' | 'recordingDisk' | 'changeFeed';

export interface DependencyState {
  ok: boolean;
  /** Why it fails, as a short code (details go to the log, not to an unauthenticated caller). */
  reason?: string;
}

export interface HealthReport {
  /** Every dependency that was checked is ok. */
  ok: boolean;
  /** Live mediasoup workers (kept from the first version of this endpoint). */
  workers: number;
  /** The failing dependencies, by name; empty when healthy. */
  failing: Dependency[];
  checks: Partial<Record<Dependency, DependencyState>>;
}

export interface HealthHost {
  pingDatabase(): Promise<void>;
  workers(): { live: number; size: number };
  /** The recordings directory, its minimum free space, and whether the quota is exhausted; null when recording is off. */
  recording(): { dir: string; minFreeBytes: number; storageFull: boolean } | null;
  /** The change feed's push channel: null when the backend has none (SQLite). */
  changeFeedListening(): boolean | null;
}

const DATABASE_TIMEOUT_MS = 3_000;

/**
 * Checks each dependency the server needs to serve consoles: the database
 * answers a query, every media worker slot has a live worker, the recordings
 * directory is there with room, and (PostgreSQL) the LISTEN connection is up.
 */
export class HealthCheck {
  readonly #host: HealthHost;
  readonly #logger: Logger;
  /** The check running now: callers meanwhile share it (the endpoint is public; a flood costs one query at a time). */
  #running: Promise<HealthReport> | undefined;

  constructor(options: { host: HealthHost; logger: Logger }) {
    this.#host = options.host;
    this.#logger = options.logger.child({ module: 'health' });
  }

  check(): Promise<HealthReport> {
    this.#running ??= this.#check().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #check(): Promise<HealthReport> {
    const checks: Partial<Record<Dependency, DependencyState>> = {};
    const [database, recordingDisk] = await Promise.all([this.#database(), this.#recordingDisk()]);
    checks.database = database;
    const workers = this.#host.workers();
    checks.mediaWorkers =
      workers.live >= workers.size && workers.size > 0
        ? { ok: true }
        : { ok: false, reason: workers.live === 0 ? 'no_live_worker' : 'worker_restarting' };
    if (recordingDisk) checks.recordingDisk = recordingDisk;
    const listening = this.#host.changeFeedListening();
    if (listening !== null)
      checks.changeFeed = listening ? { ok: true } : { ok: false, reason: 'not_listening' };
    const failing = (Object.keys(checks) as Dependency[]).filter((name) => checks[name]?.ok === false);
    if (failing.length > 0) this.#logger.warn({ failing, checks }, 'health check failing');
    return { ok: failing.length === 0, workers: workers.live, failing, checks };
  }

  async #database(): Promise<DependencyState> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      const outcome = await Promise.race([
        this.#host.pingDatabase().then(() => 'ok' as const),
        new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), DATABASE_TIMEOUT_MS);
        }),
      ]);
      return outcome === 'ok' ? { ok: true } : { ok: false, reason: 'timeout' };
    } catch (error) {
      this.#logger.warn({ err: error }, 'database health probe failed');
      return { ok: false, reason: 'query_failed' };
    } finally {
      clearTimeout(timer);
    }
  }

  async #recordingDisk(): Promise<DependencyState | null> {
    const recording = this.#host.recording();
    if (!recording) return null;
    try {
      const stats = await fs.stat(recording.dir);
      if (!stats.isDirectory()) return { ok: false, reason: 'not_a_directory' };
      await fs.access(recording.dir, fs.constants.W_OK);
      const disk = await fs.statfs(recording.dir);
      if (disk.bavail * disk.bsize < recording.minFreeBytes) return { ok: false, reason: 'disk_full' };
      if (recording.storageFull) return { ok: false, reason: 'quota_full' };
      return { ok: true };
    } catch (error) {
      this.#logger.warn({ err: error }, 'recordings directory unusable');
      return { ok: false, reason: 'unreachable' };
    }
  }
}
