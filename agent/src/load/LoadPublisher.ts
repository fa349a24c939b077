import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AgentHealth, AgentWelcome, AgentToServer, ProtocolApi } from '@counterwatch/shared';
import type { Logger } from 'pino';
import { FfmpegSupervisor } from '../media/FfmpegSupervisor.js';
import { ServerLink } from '../server/ServerLink.js';
import { loadEncoderArgs } from './encoderArgs.js';
import { RtpFanout } from './RtpFanout.js';
import type { Fanout } from './ShardedFanout.js';

export const LOAD_PUBLISHER_VERSION = '0.1.0';
const REPORT_SECONDS = 10;
/** A loop this late (p99) delays heartbeats and answers noticeably. */
const LATE_LOOP_MS = 100;
/** publishPlain requests in flight at a time, across all counters. */
const PUBLISHES_IN_FLIGHT = 8;

export interface LoadCounter {
  counterId: string;
  token: string;
}

interface CounterLink {
  counterId: string;
  link: ServerLink;
  heartbeat: ReturnType<typeof setInterval> | undefined;
  kbps: number | null;
  publishing: boolean;
  /** publishPlain failures in a row. */
  failures: number;
}

/**
 * Many counters from one encoder, for benchmarks and the province demo:
 * each counter connects, says hello with its own token and publishes through
 * the same `publishPlain` request and SRTP plain transports as an agent (its
 * own producers, SSRCs and keys); picture and sound are encoded once and the relay
 * sends each counter its own protected copy. Keyframes are periodic only
 * (the shared encoder's GOP): the relay does not read the SFU's RTCP.
 */
export class LoadPublisher {
  readonly #logger: Logger;
  readonly #fanout: Fanout;
  readonly #encoder: FfmpegSupervisor;
  readonly #links: CounterLink[] = [];
  readonly #startedAt = performance.now();
  /** Where targets without a host of their own are: the host the counters connected to. */
  #welcome: AgentWelcome | undefined;
  #fps: number | null = null;
  #sampleTimer: ReturnType<typeof setInterval> | undefined;
  /**
   * How late this process's event loop runs: its counters' heartbeats and
   * answers wait that long. Logged with the relay's figures every
   * REPORT_SECONDS (info; warn when late enough to worry the server).
   */
  readonly #loopDelay = monitorEventLoopDelay({ resolution: 10 });
  #report = { seconds: 0, packetsOut: 0, sendErrors: 0 };
  #closed = false;
  #publishesInFlight = 0;
  /** Counters waiting for a publishPlain slot, first come first served. */
  readonly #publishQueue: (() => void)[] = [];

  private constructor(fanout: Fanout, options: LoadPublisherOptions) {
    this.#logger = options.logger.child({ module: 'load-publisher' });
    this.#fanout = fanout;
    this.#encoder = new FfmpegSupervisor({
      prepare: () => this.#encoderArgs(),
      redact: (args) => [...args],
      logger: this.#logger,
      engine: 'ffmpeg',
      ffmpegPath: options.ffmpegPath ?? 'ffmpeg',
    });
    this.#encoder.on('running', () => this.#logger.info({ counters: options.counters.length }, 'encoding'));
    for (const counter of options.counters) {
      const link = new ServerLink({
        serverUrl: options.serverUrl,
        counterId: counter.counterId,
        token: counter.token,
        publisher: 'ffmpeg',
        agentVersion: LOAD_PUBLISHER_VERSION,
        logger: this.#logger,
        ...(options.caFile ? { caFile: options.caFile } : {}),
      });
      const entry: CounterLink = {
        counterId: counter.counterId,
        link,
        heartbeat: undefined,
        kbps: null,
        publishing: false,
        failures: 0,
      };
      link.on('ready', (welcome, api) => void this.#publish(entry, welcome, api));
      link.on('republish', () => {
        const { api, welcome } = link;
        if (api && welcome) void this.#publish(entry, welcome, api);
      });
      link.on('disconnected', () => {
        clearInterval(entry.heartbeat);
        entry.publishing = false;
        this.#fanout.remove(entry.counterId);
      });
      this.#links.push(entry);
    }
  }

  static async create(options: LoadPublisherOptions): Promise<LoadPublisher> {
    const fanout = options.fanout ?? (await RtpFanout.create());
    return new LoadPublisher(fanout, options);
  }

  /**
   * Connects every counter, `concurrency` hellos in flight at a time (a
   * province saying hello at once is a thundering herd that times out on a
   * loaded server); one that takes longer than `patienceMs` stops holding up
   * the rest (its link keeps trying on its own).
   */
  async start(concurrency = 8, patienceMs = 5_000): Promise<void> {
    this.#sampleTimer = setInterval(() => this.#sample(), 1_000);
    this.#loopDelay.enable();
    const inFlight = new Map<CounterLink, number>();
    for (const entry of this.#links) {
      for (;;) {
        if (this.#closed) return;
        const now = performance.now();
        for (const [e, at] of inFlight) if (e.publishing || now - at > patienceMs) inFlight.delete(e);
        if (inFlight.size < concurrency) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      entry.link.start();
      inFlight.set(entry, performance.now());
    }
  }

  get publishing(): number {
    return this.#links.filter((l) => l.publishing).length;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sampleTimer);
    this.#loopDelay.disable();
    for (const entry of this.#links) {
      clearInterval(entry.heartbeat);
      entry.link.stop();
    }
    await this.#encoder.stop();
    this.#fanout.close();
    this.#logger.info('load publisher stopped');
  }

  async #publish(entry: CounterLink, welcome: AgentWelcome, api: ProtocolApi<AgentToServer>): Promise<void> {
    try {
      this.#fanout.remove(entry.counterId);
      const keys = { grid: srtpKey(), focus: srtpKey(), audio: srtpKey() };
      // Few requests in flight across all counters: a server slow to answer (a busy mediasoup worker)
      // would otherwise get every counter's request and every retry at once, each replacing the last.
      if (this.#publishesInFlight >= PUBLISHES_IN_FLIGHT)
        await new Promise<void>((resolve) => this.#publishQueue.push(resolve));
      else this.#publishesInFlight += 1;
      let targets: Awaited<ReturnType<typeof api.requestPublishPlain>>['targets'];
      try {
        if (this.#closed || entry.link.api !== api) return;
        ({ targets } = await api.requestPublishPlain({ videoCodec: 'vp8', keys }));
      } finally {
        // The slot passes to the next in line, or is given back.
        const next = this.#publishQueue.shift();
        if (next) next();
        else this.#publishesInFlight -= 1;
      }
      for (const track of ['grid', 'focus', 'audio'] as const) {
        const target = targets[track];
        // A server that takes no sound from this counter gives no audio target.
        if (!target) continue;
        this.#fanout.set(entry.counterId, track, {
          host: target.host ?? entry.link.host,
          port: target.port,
          ssrc: target.ssrc,
          payloadType: target.payloadType,
          key: keys[track],
        });
      }
      entry.publishing = true;
      entry.failures = 0;
      if (!this.#welcome) {
        this.#welcome = welcome;
        this.#encoder.start();
      }
      clearInterval(entry.heartbeat);
      entry.heartbeat = setInterval(
        () => entry.link.sendHeartbeat(this.#health(entry)),
        welcome.heartbeatIntervalMs,
      );
      entry.link.sendHeartbeat(this.#health(entry));
    } catch (error) {
      this.#logger.warn(
        { counterId: entry.counterId, reason: error instanceof Error ? error.message : String(error) },
        'publish failed; retrying',
      );
      // Still connected (a refused or timed-out request): ask again later, as the agent's supervisor
      // would, waiting longer after each failure (to 30 s) so a slow server is not asked ever more often.
      entry.failures += 1;
      setTimeout(
        () => {
          if (!this.#closed && entry.link.api === api && !entry.publishing)
            void this.#publish(entry, welcome, api);
        },
        Math.min(30_000, 2_000 * 2 ** (entry.failures - 1)) * (1 + Math.random()),
      );
    }
  }

  async #encoderArgs(): Promise<string[]> {
    const welcome = this.#welcome;
    if (!welcome) throw new Error('no counter connected yet');
    const [grid, focus] = welcome.renditions;
    if (!grid || !focus) throw new Error('server sent no renditions');
    return loadEncoderArgs({
      renditions: { grid, focus },
      keyframeIntervalSeconds: welcome.keyframeIntervalSeconds,
      ports: {
        grid: this.#fanout.inputPort('grid'),
        focus: this.#fanout.inputPort('focus'),
        audio: this.#fanout.inputPort('audio'),
      },
      audioBitrateKbps: welcome.audioBitrateKbps,
    });
  }

  #sample(): void {
    const sample = this.#fanout.sample();
    this.#fps = this.#encoder.state === 'running' ? sample.frames.focus : null;
    for (const entry of this.#links) {
      const bytes = sample.bytes.get(entry.counterId);
      entry.kbps = bytes === undefined ? null : Math.round((bytes * 8) / 1000);
    }
    this.#report.seconds += 1;
    this.#report.packetsOut += sample.packetsOut;
    this.#report.sendErrors += sample.sendErrors;
    if (this.#report.seconds >= REPORT_SECONDS) {
      const p99 = this.#loopDelay.percentile(99) / 1e6;
      const figures = {
        counters: this.#links.length,
        publishing: this.publishing,
        packetsOutPerSecond: Math.round(this.#report.packetsOut / this.#report.seconds),
        sendErrors: this.#report.sendErrors,
        loopDelayP99Ms: Math.round(p99),
        loopDelayMaxMs: Math.round(this.#loopDelay.max / 1e6),
      };
      if (p99 > LATE_LOOP_MS) this.#logger.warn(figures, 'relay: event loop late');
      else this.#logger.info(figures, 'relay');
      this.#loopDelay.reset();
      this.#report = { seconds: 0, packetsOut: 0, sendErrors: 0 };
    }
  }

  #health(entry: CounterLink): AgentHealth {
    const running = this.#encoder.state === 'running';
    return {
      encoder: {
        state: this.#encoder.state,
        engine: 'ffmpeg',
        restarts: this.#encoder.restarts,
        fps: running ? this.#fps : null,
        bitrateKbps: running ? entry.kbps : null,
        lastExit: this.#encoder.lastExit,
      },
      outbox: { pending: 0, capacity: 0, full: false },
      uptimeSeconds: Math.round((performance.now() - this.#startedAt) / 1000),
      source: { kind: 'test', videoCodec: null, audioCodec: null, audio: true, problem: null },
    };
  }
}

export interface LoadPublisherOptions {
  serverUrl: URL;
  counters: LoadCounter[];
  logger: Logger;
  caFile?: string;
  ffmpegPath?: string;
  /** The relay; default one RtpFanout in this process (ShardedFanout spreads it over processes). */
  fanout?: Fanout;
}

function srtpKey(): string {
  return randomBytes(30).toString('base64');
}
