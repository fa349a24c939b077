import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Clock } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { SegmentRecord } from '../storage/Storage.js';
import { waitUntilClosed } from './ffmpegProcess.js';
import { stagingFolder, type Container } from './paths.js';
import { salvageStart, segmentSpan, type RunTimeline } from './runTimeline.js';
import { LineSplitter, parseSegmentListLine, type SegmentListEntry } from './segmentList.js';
import {
  fileSegment,
  salvageRun,
  SDP_FILE,
  SEGMENT_FILE,
  writeRunMeta,
  type RunMeta,
  type SegmentSink,
} from './staging.js';

/** Between the wall clock and ffmpeg's timeline; more than this is logged (publisher clock drift, stalls). */
const DRIFT_WARN_MS = 2_000;

export interface RunSegmentsOptions {
  counterId: string;
  departmentId: string;
  epoch: number;
  /** Real path of the recordings root. */
  root: string;
  segmentSeconds: number;
  store: SegmentSink;
  /** The recorder's logger: the run's is its child, with the run id. */
  logger: Logger;
  now: Clock;
}

/** What a run's segments are told to (children do not import their parents). */
export interface RunSegmentsHost {
  /** A completed segment was filed and indexed. */
  filed(segment: SegmentRecord): void;
  /** A segment the run left unfinished was filed when the run ended. */
  salvaged(segment: SegmentRecord): void;
}

/**
 * One recorder run's segments: the staging folder ffmpeg writes into, each
 * segment its list names filed in order with wall-clock times, and whatever
 * is left when the run ends salvaged and the folder removed.
 */
export class RunSegments {
  readonly logger: Logger;
  readonly #options: RunSegmentsOptions;
  readonly #host: RunSegmentsHost;
  /** The staging folder: `<root>/<counterId>/.incoming/<runId>`. */
  readonly dir: string;
  #meta: RunMeta;
  /** ffmpeg's, once started: a listed segment is filed only once it has closed the file. */
  pid: number | null = null;
  resumedAt: number | null = null;
  #anchor: number | null = null;
  #lastEndedAt: number | null = null;
  #filed = 0;
  #driftWarned = false;
  /** Segments are filed one after the other, in list order. */
  #queue: Promise<void> = Promise.resolve();

  constructor(options: RunSegmentsOptions, host: RunSegmentsHost) {
    this.#options = options;
    this.#host = host;
    const runId = `e${options.epoch}-${randomBytes(4).toString('hex')}`;
    this.dir = stagingFolder(options.root, options.counterId, runId);
    this.#meta = {
      counterId: options.counterId,
      departmentId: options.departmentId,
      runId,
      container: 'webm',
      node: options.store.node,
    };
    this.logger = options.logger.child({ runId });
  }

  /** How many completed segments were filed (salvaged ones not counted). */
  get filed(): number {
    return this.#filed;
  }

  async makeFolder(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o750 });
  }

  /** Describes the run in its folder and writes the SDP ffmpeg reads; returns that file's path. */
  async stage(container: Container, sdp: string): Promise<string> {
    this.#meta = { ...this.#meta, container };
    await writeRunMeta(this.dir, this.#meta);
    const sdpFile = path.join(this.dir, SDP_FILE);
    // Holds mediasoup's SRTP key for this run: readable by us only.
    await fs.writeFile(sdpFile, sdp, { mode: 0o600 });
    return sdpFile;
  }

  /** Files each segment ffmpeg lists on `stdout` (its segment list, one CSV line each). */
  follow(stdout: Readable): void {
    const lines = new LineSplitter();
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => {
      for (const line of lines.push(chunk)) this.#onListLine(line);
    });
    stdout.once('end', () => {
      for (const line of lines.flush()) this.#onListLine(line);
    });
  }

  /** Resolves once every segment listed so far is filed (or failed to be). */
  settled(): Promise<void> {
    return this.#queue;
  }

  /** Files what ffmpeg left unfinished (killed mid-segment) and removes the staging folder. */
  async cleanUp(): Promise<void> {
    try {
      const salvaged = await salvageRun({
        root: this.#options.root,
        store: this.#options.store,
        dir: this.dir,
        segmentSeconds: this.#options.segmentSeconds,
        knownStart: salvageStart(this.#timeline()),
        logger: this.logger,
        now: this.#options.now,
      });
      for (const segment of salvaged) this.#host.salvaged(segment);
    } catch (error) {
      this.logger.error({ err: error, dir: this.dir }, 'recorder staging folder not cleaned up');
    }
  }

  #onListLine(line: string): void {
    const entry = parseSegmentListLine(line);
    if (!entry) {
      this.logger.warn({ line }, 'unreadable segment list line');
      return;
    }
    const receivedAt = this.#options.now();
    this.#queue = this.#queue.then(() => this.#segmentCompleted(entry, receivedAt));
  }

  /** Files a completed segment with its wall-clock times (see segmentSpan). */
  async #segmentCompleted(entry: SegmentListEntry, receivedAt: number): Promise<void> {
    const logger = this.logger;
    try {
      const name = path.basename(entry.file);
      const match = SEGMENT_FILE.exec(name);
      if (!match) {
        logger.warn({ file: entry.file }, 'segment list names an unexpected file');
        return;
      }
      const source = path.join(this.dir, name);
      if (this.pid !== null && !(await waitUntilClosed(this.pid, source, 3_000)))
        logger.warn({ file: name }, 'segment still open after its list line; filing it anyway');
      const { anchor, startedAt, endedAt, lagMs: lag } = segmentSpan(this.#timeline(), entry, receivedAt);
      this.#anchor = anchor;
      if (Math.abs(lag) > DRIFT_WARN_MS && !this.#driftWarned) {
        this.#driftWarned = true;
        logger.warn({ lagMs: lag }, 'recording timeline drifts from the wall clock');
      }
      const segment = await fileSegment({
        root: this.#options.root,
        store: this.#options.store,
        meta: this.#meta,
        source,
        seq: Number(match[1]),
        startedAt,
        endedAt,
      });
      this.#lastEndedAt = endedAt;
      this.#filed += 1;
      logger.debug(
        { path: segment.path, startedAt, endedAt, bytes: segment.bytes, lagMs: lag },
        'segment recorded',
      );
      this.#host.filed(segment);
    } catch (error) {
      logger.error({ err: error, file: entry.file }, 'segment not filed');
    }
  }

  #timeline(): RunTimeline {
    return { resumedAt: this.resumedAt, anchor: this.#anchor, lastEndedAt: this.#lastEndedAt };
  }
}
