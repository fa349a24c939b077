import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  offsetClock,
  type AgentHealth,
  type AgentToServer,
  type AgentWelcome,
  type IngestTarget,
  type ProtocolApi,
} from '@counterwatch/shared';
import type { Logger } from 'pino';
import type { AgentConfig } from './config.js';
import { EventRelay } from './events/EventRelay.js';
import { LocalEventServer } from './events/LocalEventServer.js';
import { Outbox } from './events/Outbox.js';
import { buildFfmpegArgs, redactArgs, type SendTarget } from './media/ffmpegArgs.js';
import {
  FfmpegSupervisor,
  PrepareDeferred,
  type EncoderEngine,
  type EncoderLaunch,
} from './media/FfmpegSupervisor.js';
import { buildGstLaunch, gstreamerAvailable } from './media/gstPlan.js';
import { describeVideo } from './media/sources.js';
import { SourceResolver, SourceUnavailableError, type ResolvedSource } from './media/SourceResolver.js';
import { freshRunDir } from './runDir.js';
import { ServerLink } from './server/ServerLink.js';

export const AGENT_VERSION = '0.1.0';

/** A fresh SRTP master key + salt (30 bytes) per transport, per publish. */
function srtpKey(): string {
  return randomBytes(30).toString('base64');
}

/**
 * The engine for this agent's source: GStreamer (it answers the SFU's
 * keyframe requests, so a new viewer sees a picture at once), or ffmpeg when
 * asked for or when GStreamer is not installed.
 */
function chooseEngine(config: AgentConfig, logger: Logger): EncoderEngine {
  if (config.publisher === 'ffmpeg') return 'ffmpeg';
  const available = gstreamerAvailable(config.pythonPath);
  if (available.ok) return 'gstreamer';
  if (config.publisher === 'gstreamer') {
    // Asked for explicitly: its start fails visibly (and is retried) rather than silently becoming ffmpeg.
    logger.error({ why: available.why }, 'the GStreamer publisher cannot run here');
    return 'gstreamer';
  }
  logger.warn(
    { why: available.why },
    'GStreamer publisher unavailable (install python3-gi and the GStreamer plugins): publishing with ffmpeg, keyframes only periodic',
  );
  return 'ffmpeg';
}

/**
 * The agent at one counter: keeps a connection to the server, publishes the
 * camera and microphone through a supervised GStreamer (or ffmpeg), and
 * relays the counter's queue events from a durable outbox.
 */
export class CounterAgent {
  readonly #config: AgentConfig;
  readonly #logger: Logger;
  readonly #outbox: Outbox;
  readonly #relay: EventRelay;
  readonly #events: LocalEventServer;
  readonly #link: ServerLink;
  readonly #ffmpeg: FfmpegSupervisor;
  readonly #source: SourceResolver;
  /** Private (0700) files for ffmpeg: the caption, and an IP camera's list file with its URL (see freshRunDir). */
  readonly #runDir: string;
  readonly #startedAt = performance.now();
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #bitrate = { bytes: 0, at: 0, kbps: null as number | null };
  #stopping: Promise<void> | undefined;

  constructor(config: AgentConfig, logger: Logger) {
    this.#config = config;
    this.#logger = logger.child({ counterId: config.counterId });
    const now = offsetClock(config.clockOffsetMs);
    this.#outbox = new Outbox({ dir: config.stateDir, capacity: config.outboxCapacity, now });
    this.#relay = new EventRelay({ outbox: this.#outbox, logger: this.#logger, now });
    this.#events = new LocalEventServer({
      outbox: this.#outbox,
      counterId: config.counterId,
      departmentId: () => this.#outbox.getMeta('departmentId'),
      port: config.eventsPort,
      allowedOrigins: config.eventsAllowedOrigins,
      key: config.eventsKey,
      logger: this.#logger,
      onQueued: () => this.#relay.kick(),
    });
    this.#link = new ServerLink({
      serverUrl: config.serverUrl,
      counterId: config.counterId,
      token: config.token,
      publisher: 'ffmpeg',
      agentVersion: AGENT_VERSION,
      caFile: config.caFile,
      logger: this.#logger,
    });
    this.#runDir = freshRunDir(config.stateDir);
    const env = { ...process.env, TZ: config.timezone };
    this.#source = new SourceResolver({
      video: config.video,
      audio: config.audio,
      dir: this.#runDir,
      ffprobePath: config.ffprobePath,
      logger: this.#logger,
      env,
    });
    // The console hears about a camera problem (no microphone, refused credentials) now, not at the next beat.
    this.#source.on('changed', () => {
      if (this.#link.api) this.#link.sendHeartbeat(this.health());
    });
    const engine = chooseEngine(config, this.#logger);
    this.#ffmpeg = new FfmpegSupervisor({
      prepare: () => this.#preparePublish(engine),
      redact: (args) => redactArgs(args).map((arg) => this.#source.redact(arg)),
      logger: this.#logger,
      engine,
      ffmpegPath: engine === 'gstreamer' ? config.pythonPath : config.ffmpegPath,
      env,
    });
    this.#ffmpeg.on('progress', (report) => {
      if (report.totalSize === null) return;
      const now = performance.now();
      if (this.#bitrate.at > 0 && report.totalSize >= this.#bitrate.bytes) {
        this.#bitrate.kbps = Math.round(
          ((report.totalSize - this.#bitrate.bytes) * 8) / Math.max(1, now - this.#bitrate.at),
        );
      }
      this.#bitrate = { ...this.#bitrate, bytes: report.totalSize, at: now };
    });
    this.#ffmpeg.on('running', () =>
      this.#logger.info({ video: describeVideo(config.video), engine }, 'publishing'),
    );

    this.#link.on('ready', (welcome, api) => this.#onReady(welcome, api));
    this.#link.on('republish', () => this.#ffmpeg.start());
    this.#link.on('disconnected', (reason) => {
      this.#logger.warn({ reason }, 'server connection lost; pausing media until it is back');
      this.#relay.setConnection(undefined);
      clearInterval(this.#heartbeatTimer);
      void this.#ffmpeg.stop();
    });
  }

  /** Starts everything; returns the loopback port queue systems post events to. */
  async start(): Promise<{ eventsPort: number }> {
    const eventsPort = await this.#events.listen();
    this.#logger.info({ eventsPort, pending: this.#outbox.pending }, 'event relay listening on loopback');
    this.#link.start();
    return { eventsPort };
  }

  health(): AgentHealth {
    const progress = this.#ffmpeg.lastProgress;
    return {
      encoder: {
        state: this.#ffmpeg.state,
        engine: this.#ffmpeg.engine,
        restarts: this.#ffmpeg.restarts,
        fps: this.#ffmpeg.state === 'running' ? (progress?.fps ?? null) : null,
        bitrateKbps: this.#ffmpeg.state === 'running' ? this.#bitrate.kbps : null,
        lastExit: this.#ffmpeg.lastExit,
      },
      outbox: { pending: this.#outbox.pending, capacity: this.#outbox.capacity, full: this.#outbox.full },
      uptimeSeconds: Math.round((performance.now() - this.#startedAt) / 1000),
      source: this.#source.report,
    };
  }

  /** Stops ffmpeg, the connection and the event port, once. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      clearInterval(this.#heartbeatTimer);
      this.#relay.stop();
      await this.#ffmpeg.stop();
      this.#link.stop();
      await this.#events.close();
      this.#outbox.close();
      this.#source.close();
      fs.rmSync(this.#runDir, { recursive: true, force: true });
      this.#logger.info('agent stopped');
    })();
    return this.#stopping;
  }

  #onReady(welcome: AgentWelcome, api: ProtocolApi<AgentToServer>): void {
    this.#outbox.setMeta('departmentId', welcome.counter.departmentId);
    fs.writeFileSync(path.join(this.#runDir, 'caption.txt'), welcome.counter.name);
    this.#relay.setConnection(api);
    clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = setInterval(
      () => this.#link.sendHeartbeat(this.health()),
      welcome.heartbeatIntervalMs,
    );
    this.#ffmpeg.start();
  }

  #connection(): { api: ProtocolApi<AgentToServer>; welcome: AgentWelcome } {
    const api = this.#link.api;
    const welcome = this.#link.welcome;
    if (!api || !welcome) throw new Error('not connected to the server');
    return { api, welcome };
  }

  /**
   * Looks at the source (an IP camera is probed every time), asks the server
   * for fresh transports (new keys) for what it found, and builds the
   * publisher's launch for them (GStreamer takes its keys on stdin).
   */
  async #preparePublish(engine: EncoderEngine): Promise<string[] | EncoderLaunch> {
    this.#connection();
    let source: ResolvedSource;
    try {
      source = await this.#source.resolve();
    } catch (error) {
      if (error instanceof SourceUnavailableError && error.retryInMs !== undefined) {
        throw new PrepareDeferred(error.message, error.retryInMs);
      }
      throw error;
    }
    // The probe took a moment: the connection may have gone meanwhile.
    const { api, welcome } = this.#connection();
    const keys = {
      grid: srtpKey(),
      focus: srtpKey(),
      audio: source.audio.kind === 'none' ? null : srtpKey(),
    };
    const { targets } = await api.requestPublishPlain({ videoCodec: this.#config.codec, keys });
    // RTP goes where the socket went: the media node the counter is placed on, or the one server.
    const host = this.#link.host;
    const resolve = (t: IngestTarget, key: string): SendTarget => ({ ...t, host: t.host ?? host, key });
    const [grid, focus] = welcome.renditions;
    if (!grid || !focus) throw new Error('server sent no renditions');
    const sendTargets = {
      grid: resolve(targets.grid, keys.grid),
      focus: resolve(targets.focus, keys.focus),
      audio: targets.audio && keys.audio ? resolve(targets.audio, keys.audio) : null,
    };
    if (engine === 'gstreamer') {
      return buildGstLaunch({
        video: source.video,
        audio: source.audio,
        codec: this.#config.codec,
        renditions: { grid, focus },
        audioBitrateKbps: welcome.audioBitrateKbps,
        keyframeIntervalSeconds: welcome.keyframeIntervalSeconds,
        targets: sendTargets,
        caption: welcome.counter.name,
      });
    }
    return buildFfmpegArgs({
      video: source.video,
      audio: source.audio,
      cameraList: source.cameraList,
      codec: this.#config.codec,
      renditions: { grid, focus },
      audioBitrateKbps: welcome.audioBitrateKbps,
      keyframeIntervalSeconds: welcome.keyframeIntervalSeconds,
      targets: sendTargets,
      captionFile: path.join(this.#runDir, 'caption.txt'),
    });
  }
}
