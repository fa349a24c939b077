import { spawn, type ChildProcess } from 'node:child_process';
import { Backoff, TypedEmitter } from '@counterwatch/shared';
import type { Logger } from 'pino';
import { ProgressParser, type ProgressReport } from './progress.js';
import { withDeathSignal } from './setpriv.js';

export type EncoderState = 'starting' | 'running' | 'backoff' | 'stopped';

/** Which program publishes: GStreamer (honours keyframe requests) or ffmpeg. */
export type EncoderEngine = 'ffmpeg' | 'gstreamer';

/**
 * One start of the publisher: its arguments, and what it reads on stdin
 * (closed after): secrets such as SRTP keys, which must not be on a command
 * line that any user can read in /proc/<pid>/cmdline.
 */
export interface EncoderLaunch {
  args: string[];
  stdin: string;
}

/** Log messages per engine: static strings, as every log line. */
const MESSAGES = {
  ffmpeg: {
    notStarted: 'ffmpeg not started',
    starting: 'starting ffmpeg',
    stalled: 'ffmpeg stalled; restarting it',
    stderr: 'ffmpeg stderr',
    stopped: 'ffmpeg stopped',
    died: 'ffmpeg died',
    failed: 'ffmpeg failed to start',
    scheduled: 'ffmpeg restart scheduled',
  },
  gstreamer: {
    notStarted: 'gstreamer not started',
    starting: 'starting gstreamer',
    stalled: 'gstreamer stalled; restarting it',
    stderr: 'gstreamer stderr',
    stopped: 'gstreamer stopped',
    died: 'gstreamer died',
    failed: 'gstreamer failed to start',
    scheduled: 'gstreamer restart scheduled',
  },
} as const satisfies Record<EncoderEngine, Record<string, string>>;

export type FfmpegSupervisorEvents = {
  /** ffmpeg produced its first progress report: media is flowing. */
  running: [];
  /** ffmpeg exited before it ever ran: bad device, bad arguments, unreachable camera. */
  startFailed: [reason: string];
  /** ffmpeg exited after running: the restart follows after backoff. */
  died: [reason: string];
  progress: [report: ProgressReport];
  stopped: [];
};

export interface FfmpegSupervisorOptions {
  /**
   * Produces the argument array (and stdin) for the next start. Called before
   * every (re)start, so the agent can republish and get fresh transports and
   * keys: the server's comedia transports lock onto the first sender's address.
   */
  prepare: () => Promise<string[] | EncoderLaunch>;
  /** What runs: names the log messages. Default ffmpeg. */
  engine?: EncoderEngine;
  /** Redacts an argument array for logs. */
  redact: (args: readonly string[]) => string[];
  logger: Logger;
  /** The program to run (for GStreamer: the python that runs the publisher script). */
  ffmpegPath?: string;
  env?: NodeJS.ProcessEnv;
  /** After this long without dying, a run counts as stable and the backoff resets. */
  stableAfterMs?: number;
  backoff?: Backoff;
  /** SIGTERM, then SIGKILL after this long. */
  killTimeoutMs?: number;
  /**
   * A running ffmpeg whose frame count has not moved for this long is
   * stopped and restarted: a camera that stalls without closing the
   * connection would otherwise leave it waiting forever.
   */
  stallTimeoutMs?: number;
}

/**
 * Thrown by `prepare` when the next start must wait longer than the normal
 * backoff (a camera refusing the credentials is asked again once a minute,
 * not every few seconds).
 */
export class PrepareDeferred extends Error {
  readonly retryInMs: number;

  constructor(message: string, retryInMs: number) {
    super(message);
    this.name = 'PrepareDeferred';
    this.retryInMs = retryInMs;
  }
}

/**
 * Runs the publisher (ffmpeg, or the GStreamer script, which reports progress
 * in ffmpeg's format) the way mediasoup runs its worker: tells a failed start
 * from a later death, restarts with capped backoff, sends stderr to the debug
 * log, and stops once, cleanly.
 */
export class FfmpegSupervisor extends TypedEmitter<FfmpegSupervisorEvents> {
  readonly #options: FfmpegSupervisorOptions;
  readonly #logger: Logger;
  readonly #backoff: Backoff;
  readonly #say: (typeof MESSAGES)[EncoderEngine];
  #child: ChildProcess | undefined;
  #state: EncoderState = 'stopped';
  #wanted = false;
  #restarts = 0;
  #lastExit: string | null = null;
  #lastProgress: ProgressReport | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #stableTimer: ReturnType<typeof setTimeout> | undefined;
  #generation = 0;

  constructor(options: FfmpegSupervisorOptions) {
    super();
    this.#options = options;
    const engine = options.engine ?? 'ffmpeg';
    this.#logger = options.logger.child({ module: engine });
    this.#say = MESSAGES[engine];
    this.#backoff = options.backoff ?? new Backoff({ initialMs: 1_000, maxMs: 30_000 });
  }

  get engine(): EncoderEngine {
    return this.#options.engine ?? 'ffmpeg';
  }

  get state(): EncoderState {
    return this.#state;
  }

  get restarts(): number {
    return this.#restarts;
  }

  get lastExit(): string | null {
    return this.#lastExit;
  }

  get lastProgress(): ProgressReport | null {
    return this.#lastProgress;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts ffmpeg (or restarts it with freshly prepared arguments). */
  start(): void {
    this.#wanted = true;
    this.#generation += 1;
    clearTimeout(this.#retryTimer);
    if (this.#child) {
      // The exit handler starts the next run.
      this.#terminate(this.#child);
      return;
    }
    void this.#launch(this.#generation);
  }

  /** Stops ffmpeg and does not restart it; resolves once it has exited. */
  async stop(): Promise<void> {
    this.#wanted = false;
    this.#generation += 1;
    clearTimeout(this.#retryTimer);
    clearTimeout(this.#stableTimer);
    const child = this.#child;
    if (child) {
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      this.#terminate(child);
      await exited;
    }
    this.#setState('stopped');
    this.emit('stopped');
  }

  async #launch(generation: number): Promise<void> {
    this.#setState('starting');
    let launch: EncoderLaunch | string[];
    try {
      launch = await this.#options.prepare();
    } catch (error) {
      if (generation !== this.#generation) return;
      const reason = `could not prepare: ${error instanceof Error ? error.message : String(error)}`;
      this.#lastExit = reason.slice(0, 200);
      this.#logger.warn({ reason }, this.#say.notStarted);
      this.emit('startFailed', reason);
      this.#scheduleRetry(error instanceof PrepareDeferred ? error.retryInMs : undefined);
      return;
    }
    if (generation !== this.#generation || !this.#wanted) return;

    const { args, stdin } = Array.isArray(launch) ? { args: launch, stdin: null } : launch;
    const [command, argv] = withDeathSignal(this.#options.ffmpegPath ?? 'ffmpeg', args);
    this.#logger.info({ args: this.#options.redact(args) }, this.#say.starting);
    const child = spawn(command, argv, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: this.#options.env ?? process.env,
    });
    this.#child = child;
    // A child that dies before reading its stdin gives EPIPE: its exit is what we report.
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin ?? '');
    let ran = false;
    let stalled = false;
    let lastFrame = 0;
    let lastAdvanceAt = performance.now();
    const stderrTail: string[] = [];
    const parser = new ProgressParser();

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      for (const report of parser.push(chunk)) {
        this.#lastProgress = report;
        if ((report.frame ?? 0) > lastFrame) {
          lastFrame = report.frame ?? 0;
          lastAdvanceAt = performance.now();
        }
        if (!ran && (report.frame ?? 0) > 0) {
          ran = true;
          this.#setState('running');
          this.emit('running');
          this.#stableTimer = setTimeout(() => this.#backoff.reset(), this.#options.stableAfterMs ?? 60_000);
        }
        this.emit('progress', report);
      }
    });
    // Checked on a timer, not on progress: a stalled ffmpeg may print nothing at all.
    const stallMs = this.#options.stallTimeoutMs ?? 20_000;
    const stallTimer = setInterval(
      () => {
        if (!ran || stalled || performance.now() - lastAdvanceAt < stallMs) return;
        stalled = true;
        this.#logger.warn({ stalledForMs: performance.now() - lastAdvanceAt }, this.#say.stalled);
        this.#terminate(child);
      },
      Math.min(1_000, stallMs),
    );
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) {
        const text = line.trim();
        if (!text) continue;
        this.#logger.debug({ line: this.#options.redact([text])[0] }, this.#say.stderr);
        stderrTail.push(text);
        if (stderrTail.length > 5) stderrTail.shift();
      }
    });
    child.once('error', (error) => {
      // spawn failed (ffmpeg missing): no 'exit' follows, but 'close' does.
      stderrTail.push(error.message);
    });
    child.once('close', (code, signal) => {
      clearTimeout(this.#stableTimer);
      clearInterval(stallTimer);
      if (this.#child === child) this.#child = undefined;
      const tail = this.#options.redact(stderrTail).join(' | ').slice(0, 160);
      const reason = stalled
        ? `stalled: no new frame for ${Math.round(stallMs / 1000)} s${tail ? `: ${tail}` : ''}`
        : `exit ${code ?? signal ?? '?'}${tail ? `: ${tail}` : ''}`;
      this.#lastExit = reason.slice(0, 200);
      if (!this.#wanted) {
        this.#logger.info({ code, signal }, this.#say.stopped);
        return;
      }
      if (generation !== this.#generation) {
        // Restart requested while it ran: start the new generation now.
        void this.#launch(this.#generation);
        return;
      }
      this.#restarts += 1;
      if (ran) {
        this.#logger.warn({ code, signal, reason }, this.#say.died);
        this.emit('died', reason);
      } else {
        this.#logger.error({ code, signal, reason }, this.#say.failed);
        this.emit('startFailed', reason);
      }
      this.#scheduleRetry();
    });
  }

  #scheduleRetry(deferMs?: number): void {
    if (!this.#wanted) return;
    const delay = deferMs ?? this.#backoff.next();
    this.#setState('backoff');
    this.#logger.info({ retryInMs: delay }, this.#say.scheduled);
    const generation = this.#generation;
    this.#retryTimer = setTimeout(() => {
      if (this.#wanted && generation === this.#generation) void this.#launch(generation);
    }, delay);
  }

  #terminate(child: ChildProcess): void {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }, this.#options.killTimeoutMs ?? 3_000);
    child.once('exit', () => clearTimeout(timer));
  }

  #setState(state: EncoderState): void {
    this.#state = state;
  }
}
