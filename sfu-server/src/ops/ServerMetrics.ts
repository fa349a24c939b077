import { performance } from 'node:perf_hooks';
import {
  AlertSeveritySchema,
  RecordingHealthSchema,
  type Alert,
  type EventBatchResult,
  type MediaObjects,
  type RecordingHealth,
} from '@counterwatch/shared';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '../logger.js';
import { udpReceiveCounters, type UdpReceiveCounters } from '../media/udpBuffers.js';
import type { RecordingFigures } from '../recording/RecordingService.js';

/** One mediasoup worker's resource use (mediasoup's `getResourceUsage()`, libuv's getrusage). */
export interface WorkerUsage {
  index: number;
  pid: number;
  /** CPU time in user and kernel mode, milliseconds. */
  userMs: number;
  systemMs: number;
  /** Peak resident set size, kilobytes (getrusage's unit on Linux). */
  maxRssKb: number;
}

/** What the metrics read at scrape time; the composition root answers from the parts. */
export interface MetricsHost {
  workers(): Promise<WorkerUsage[]>;
  mediaObjects(): Promise<MediaObjects>;
  /** Console WebSocket connections now. */
  viewers(): number;
  /** Counter agents connected now. */
  agents(): number;
  activeAlerts(): Alert[];
  /** null when recording is switched off. */
  recording(): Promise<RecordingFigures | null>;
  /** One trivial query to the database (through the timed storage). */
  pingDatabase(): Promise<void>;
}

export type EventOriginKind = 'department' | 'agent';

/** Database calls slower than the last bucket are rare; the first ones separate SQLite from the network. */
const DB_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The server's Prometheus metrics, on a registry of its own (several servers
 * in one process — tests — never share one). Most values are read when
 * scraped (`collect`); events, refusals and recording failures are counted
 * as they happen.
 */
export class ServerMetrics {
  readonly registry: Registry;
  readonly #events: Counter<'origin' | 'outcome'>;
  readonly #batchesRefused: Counter<'origin' | 'code'>;
  readonly #recordingFailures: Counter;

  constructor(options: { registry: Registry; host: MetricsHost; logger: Logger }) {
    const { host, logger } = options;
    this.registry = options.registry;
    const registers = [this.registry];
    const log = logger.child({ module: 'metrics' });
    // Per process CPU, memory, event loop, GC and handles.
    collectDefaultMetrics({ register: this.registry });

    new Counter({
      name: 'cw_mediasoup_worker_cpu_seconds_total',
      help: 'CPU time of each mediasoup worker process, by mode.',
      labelNames: ['index', 'pid', 'mode'] as const,
      registers,
      async collect() {
        this.reset();
        for (const w of await safe(log, 'worker usage', () => host.workers(), [])) {
          const labels = { index: String(w.index), pid: String(w.pid) };
          this.inc({ ...labels, mode: 'user' }, w.userMs / 1000);
          this.inc({ ...labels, mode: 'system' }, w.systemMs / 1000);
        }
      },
    });
    new Gauge({
      name: 'cw_mediasoup_worker_max_rss_bytes',
      help: 'Peak resident memory of each mediasoup worker process.',
      labelNames: ['index', 'pid'] as const,
      registers,
      async collect() {
        this.reset();
        for (const w of await safe(log, 'worker usage', () => host.workers(), []))
          this.set({ index: String(w.index), pid: String(w.pid) }, w.maxRssKb * 1024);
      },
    });
    // Producers (streams) and consumers, counted by each worker (its dumps).
    const objects = (pick: (w: MediaObjects['workers'][number]) => number) =>
      async function (this: Gauge<'index'>) {
        this.reset();
        const { workers } = await safe(log, 'media objects', () => host.mediaObjects(), { workers: [] });
        for (const w of workers) this.set({ index: String(w.index) }, pick(w));
      };
    new Gauge({
      name: 'cw_media_producers',
      help: 'Streams (mediasoup producers) on each worker.',
      labelNames: ['index'] as const,
      registers,
      collect: objects((w) => w.producers),
    });
    new Gauge({
      name: 'cw_media_consumers',
      help: 'Consumers (a console receiving a stream, a recorder) on each worker.',
      labelNames: ['index'] as const,
      registers,
      collect: objects((w) => w.consumers),
    });
    new Gauge({
      name: 'cw_media_transports',
      help: 'Transports on each worker.',
      labelNames: ['index'] as const,
      registers,
      collect: objects((w) => w.transports),
    });
    new Gauge({
      name: 'cw_console_connections',
      help: 'Consoles (viewers) connected by WebSocket.',
      registers,
      collect() {
        this.set(host.viewers());
      },
    });
    new Gauge({
      name: 'cw_agent_connections',
      help: 'Counter agents connected.',
      registers,
      collect() {
        this.set(host.agents());
      },
    });
    this.#events = new Counter({
      name: 'cw_queue_events_total',
      help: 'Queue events received, by origin and outcome (accepted, duplicate, rejected).',
      labelNames: ['origin', 'outcome'] as const,
      registers,
    });
    this.#batchesRefused = new Counter({
      name: 'cw_queue_batches_refused_total',
      help: 'Queue event batches refused whole (too large, unreadable), by origin and error code.',
      labelNames: ['origin', 'code'] as const,
      registers,
    });
    for (const origin of ['department', 'agent'] as const)
      for (const outcome of ['accepted', 'duplicate', 'rejected'] as const)
        this.#events.inc({ origin, outcome }, 0);
    new Gauge({
      name: 'cw_alerts_active',
      help: 'Active (open or acknowledged) alerts, by severity, rule and state.',
      labelNames: ['severity', 'rule', 'state'] as const,
      registers,
      collect() {
        this.reset();
        // Every severity shows, at zero when there is none: alerting rules need the series.
        for (const severity of AlertSeveritySchema.options)
          this.set({ severity, rule: 'any', state: 'any' }, 0);
        const counts = new Map<
          string,
          { labels: Record<'severity' | 'rule' | 'state', string>; n: number }
        >();
        const add = (labels: Record<'severity' | 'rule' | 'state', string>): void => {
          const key = JSON.stringify(labels);
          const hit = counts.get(key) ?? { labels, n: 0 };
          hit.n += 1;
          counts.set(key, hit);
        };
        for (const a of host.activeAlerts()) {
          add({ severity: a.severity, rule: a.rule, state: a.state });
          add({ severity: a.severity, rule: 'any', state: 'any' });
        }
        for (const { labels, n } of counts.values()) this.set(labels, n);
      },
    });
    const recording = (read: (r: RecordingFigures, gauge: Gauge) => void) =>
      async function (this: Gauge) {
        this.reset();
        const figures = await safe(log, 'recording figures', () => host.recording(), null);
        if (figures) read(figures, this);
      };
    new Gauge({
      name: 'cw_recording_counters',
      help: 'Counters by recording health (recording, gap, error).',
      labelNames: ['health'] as const,
      registers,
      collect: recording((r, g) => {
        for (const health of RecordingHealthSchema.options) if (health !== 'off') g.set({ health }, 0);
        for (const health of r.health.values()) if (health !== 'off') g.inc({ health });
      }),
    });
    new Gauge({
      name: 'cw_recorders_active',
      help: 'Recorder (ffmpeg) processes running.',
      registers,
      collect: recording((r, g) => g.set(r.activeRecorders)),
    });
    this.#recordingFailures = new Counter({
      name: 'cw_recording_failures_total',
      help: 'Times a counter’s recording went into error (ffmpeg failing, its worker died).',
      registers,
    });
    new Gauge({
      name: 'cw_recording_used_bytes',
      help: 'Bytes of stored recording segments.',
      registers,
      collect: recording((r, g) => {
        if (r.usedBytes !== null) g.set(r.usedBytes);
      }),
    });
    new Gauge({
      name: 'cw_recording_quota_bytes',
      help: 'The recording quota (CW_RECORDING_QUOTA_GB); absent when there is none.',
      registers,
      collect: recording((r, g) => {
        if (r.quotaBytes !== null) g.set(r.quotaBytes);
      }),
    });
    new Gauge({
      name: 'cw_recording_storage_full',
      help: '1 when over quota with only held segments left (nothing may be deleted).',
      registers,
      collect: recording((r, g) => g.set(r.full ? 1 : 0)),
    });
    new Gauge({
      name: 'cw_recording_disk_free_bytes',
      help: 'Free bytes on the file system of the recordings directory.',
      registers,
      collect: recording((r, g) => {
        if (r.disk) g.set(r.disk.freeBytes);
      }),
    });
    new Gauge({
      name: 'cw_recording_disk_size_bytes',
      help: 'Size of the file system of the recordings directory.',
      registers,
      collect: recording((r, g) => {
        if (r.disk) g.set(r.disk.totalBytes);
      }),
    });
    // The host's UDP counters: a media socket's full buffer shows here first (broken frames follow).
    const hostUdp = (name: string, help: string, pick: (c: UdpReceiveCounters) => number) =>
      new Counter({
        name,
        help,
        registers,
        async collect() {
          const counters = await safe(log, 'udp counters', () => udpReceiveCounters(), null);
          this.reset();
          if (counters) this.inc(pick(counters));
        },
      });
    hostUdp(
      'cw_host_udp_datagrams_received_total',
      'UDP datagrams delivered to sockets on this host (/proc/net/snmp InDatagrams).',
      (c) => c.inDatagrams,
    );
    hostUdp(
      'cw_host_udp_receive_buffer_errors_total',
      'UDP datagrams dropped on this host because a socket receive buffer was full (/proc/net/snmp RcvbufErrors): raise CW_UDP_BUFFER_KB and net.core.rmem_max.',
      (c) => c.receiveBufferErrors,
    );
    new Gauge({
      name: 'cw_database_probe_seconds',
      help: 'Time of one trivial query (SELECT 1) run at this scrape; absent when it failed.',
      registers,
      async collect() {
        this.reset();
        const started = performance.now();
        const ok = await safe(log, 'database probe', () => host.pingDatabase().then(() => true), false);
        if (ok) this.set((performance.now() - started) / 1000);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  /** A batch the queue service answered: each event counted by its outcome. */
  observeBatch(origin: EventOriginKind, result: EventBatchResult): void {
    if (result.accepted) this.#events.inc({ origin, outcome: 'accepted' }, result.accepted);
    if (result.duplicate) this.#events.inc({ origin, outcome: 'duplicate' }, result.duplicate);
    if (result.rejected) this.#events.inc({ origin, outcome: 'rejected' }, result.rejected);
  }

  /** A batch refused whole (an error before any event was looked at). */
  observeBatchRefused(origin: EventOriginKind, code: string): void {
    this.#batchesRefused.inc({ origin, code });
  }

  /** A counter's recording health changed (the service tells changes only). */
  recordingHealthChanged(health: RecordingHealth): void {
    if (health === 'error') this.#recordingFailures.inc();
  }
}

/**
 * Time of every storage call, by operation (`insertQueueEvents`,
 * `audit.append`, …): created with the registry before the parts, as the
 * storage they are given is the timed one.
 */
export class DatabaseLatency {
  readonly #histogram: Histogram<'backend' | 'operation' | 'result'>;
  readonly #backend: 'sqlite' | 'postgres';

  constructor(registry: Registry, backend: 'sqlite' | 'postgres') {
    this.#backend = backend;
    this.#histogram = new Histogram({
      name: 'cw_database_call_seconds',
      help: 'Time of each storage call the server makes (SQLite in process, PostgreSQL over the network).',
      labelNames: ['backend', 'operation', 'result'] as const,
      buckets: DB_BUCKETS,
      registers: [registry],
    });
  }

  readonly observe = (operation: string, seconds: number, ok: boolean): void => {
    this.#histogram.observe({ backend: this.#backend, operation, result: ok ? 'ok' : 'error' }, seconds);
  };
}

async function safe<T>(logger: Logger, what: string, read: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await read();
  } catch (error) {
    // A scrape answers with what it can; a worker restarting must not fail the whole page.
    logger.warn({ err: error, what }, 'metric unavailable');
    return fallback;
  }
}
