import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_UDP_BUFFER_BYTES } from './media/udpBuffers.js';
import {
  Bool,
  ConfigError,
  Ip,
  Port,
  isWildcard,
  parse,
  parseDatabaseUrl,
  parsePortRange,
  parseRendition,
  parseTrustProxy,
  read,
  required,
  type Env,
} from './configParse.js';
import { clockOffsetFromEnv, type RenditionName, type RenditionSpec } from '@counterwatch/shared';

export { ConfigError } from './configParse.js';

/**
 * Every setting the server reads, in one place. Environment variables (and
 * files they point to) are parsed once at start; a missing or bad setting
 * stops the process with a message that names it.
 */
export interface ServerConfig {
  http: { host: string; port: number };
  /** The console's URL as users reach it: ws upgrades and state changes must come from this origin. */
  publicUrl: URL;
  /** Origins allowed besides publicUrl's (another name for the same server). */
  allowedOrigins: string[];
  dataDir: string;
  /** `CW_DATABASE_URL`: PostgreSQL (postgres://…) instead of the SQLite file in dataDir; null = SQLite. */
  databaseUrl: string | null;
  consoleDir: string;
  logLevel: string;
  directoryFile: string | null;
  /**
   * Reverse proxies whose X-Forwarded-For is believed (express `trust proxy`
   * names and addresses: `loopback`, `10.0.0.0/8`, …); empty = none, the
   * connecting address is the client's.
   */
  trustProxy: string[];
  /** An inspection still open this long is ended automatically. */
  inspectionMaxMs: number;
  /**
   * `CW_ROLE`: `all` (one process does everything: the default), `control` (consoles, queue
   * ingest, placement; agents are sent on to media nodes) or `media` (takes the agents placed on
   * it). `control` and `media` share one PostgreSQL.
   */
  role: ServerRole;
  /** This process as a media node (roles `all` and `media`); its url null = found after listening. */
  node: { name: string; url: URL | null; capacity: number };
  /** `CW_METRICS_TOKEN`: the bearer token a Prometheus scraper presents at /metrics; null = admin sessions only. */
  metricsToken: string | null;
  media: {
    workers: number;
    workerBin: string | null;
    listenIp: string;
    announcedIp: string;
    webRtcPort: number;
    webRtcTcp: boolean;
    /** `CW_UDP_BUFFER_KB`: the kernel buffers of every media UDP socket (see media/udpBuffers.ts). */
    udpBufferBytes: number;
    rtcMinPort: number;
    rtcMaxPort: number;
    /** Host agents send RTP to; null = the host they reached the server by. */
    ingestHost: string | null;
    renditions: Record<RenditionName, RenditionSpec>;
    audioBitrateKbps: number;
    keyframeIntervalSeconds: number;
    /** How long a counter stays "reconnecting" before it is "offline". */
    reconnectGraceMs: number;
  };
  /** Create the first admin on an empty database and print its generated password. */
  bootstrapAdmin: boolean;
  /** An alert's condition must stay clear this long before it resolves itself. */
  alertClearHoldMs: number;
  /** The server's clock runs this far from the machine's (tests and demos pin a time of day). */
  clockOffsetMs: number;
  recording: {
    enabled: boolean;
    dir: string;
    segmentSeconds: number;
    retentionDays: number;
    quotaBytes: number | null;
    /** Holds on flagged interactions and inspections end this long after their review/inspection closed. */
    holdReleaseDays: number;
    /** Loopback UDP ports the recorders listen on; kept apart from mediasoup's and the kernel's. */
    ports: { min: number; max: number };
    /** The health check fails (recordingDisk) when the recordings file system has less free than this. */
    minFreeBytes: number;
  };
}

export const SERVER_ROLES = ['all', 'control', 'media'] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

const here = path.dirname(fileURLToPath(import.meta.url));

export function loadConfig(env: Env = process.env): ServerConfig {
  const publicUrl = parse(
    'CW_PUBLIC_URL',
    z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
    required(env, 'CW_PUBLIC_URL', 'the console URL users open, e.g. https://counterwatch.example.vn'),
  );
  const dataDir = path.resolve(required(env, 'CW_DATA_DIR', 'where the database and recordings are kept'));

  const listenIp = parse('CW_MEDIA_LISTEN_IP', Ip, read(env, 'CW_MEDIA_LISTEN_IP') ?? '127.0.0.1');
  const wildcard = isWildcard(listenIp);
  const announcedRaw = read(env, 'CW_MEDIA_ANNOUNCED_IP');
  if (wildcard && !announcedRaw) {
    throw new ConfigError(
      'CW_MEDIA_ANNOUNCED_IP',
      `is required when CW_MEDIA_LISTEN_IP is ${listenIp} (the address browsers and agents reach this server at)`,
    );
  }
  const announcedIp = parse('CW_MEDIA_ANNOUNCED_IP', Ip, announcedRaw ?? listenIp);

  const webRtcPort = parse('CW_WEBRTC_PORT', Port, read(env, 'CW_WEBRTC_PORT') ?? '40000');
  const rtcMinPort = parse('CW_RTC_MIN_PORT', Port, read(env, 'CW_RTC_MIN_PORT') ?? '41000');
  const rtcMaxPort = parse('CW_RTC_MAX_PORT', Port, read(env, 'CW_RTC_MAX_PORT') ?? '44999');
  if (rtcMaxPort < rtcMinPort) throw new ConfigError('CW_RTC_MAX_PORT', 'must not be below CW_RTC_MIN_PORT');
  const recorderPorts = parsePortRange('CW_RECORDER_PORTS', read(env, 'CW_RECORDER_PORTS') ?? '30000-31999');
  if (recorderPorts.min <= rtcMaxPort && rtcMinPort <= recorderPorts.max) {
    throw new ConfigError('CW_RECORDER_PORTS', 'must not overlap CW_RTC_MIN_PORT–CW_RTC_MAX_PORT');
  }

  const workers = parse(
    'CW_WORKERS',
    z.coerce.number().int().min(1).max(64),
    read(env, 'CW_WORKERS') ?? String(Math.max(1, os.availableParallelism())),
  );
  if (webRtcPort + workers - 1 > 65535)
    throw new ConfigError('CW_WEBRTC_PORT', 'leaves no room for one port per worker');

  const workerBin = read(env, 'MEDIASOUP_WORKER_BIN') ?? null;
  if (workerBin !== null && !fs.existsSync(workerBin)) {
    throw new ConfigError(
      'MEDIASOUP_WORKER_BIN',
      `${workerBin} does not exist (run npm run setup to build the worker)`,
    );
  }

  const consoleDir = path.resolve(
    read(env, 'CW_CONSOLE_DIR') ?? path.join(here, '..', '..', 'console', 'dist'),
  );
  const directoryFile = read(env, 'CW_DIRECTORY_FILE') ?? null;
  if (directoryFile !== null && !fs.existsSync(directoryFile)) {
    throw new ConfigError('CW_DIRECTORY_FILE', `${directoryFile} does not exist`);
  }

  const httpPort = parse(
    'CW_HTTP_PORT',
    z.coerce.number().int().min(0).max(65535),
    read(env, 'CW_HTTP_PORT') ?? '8080',
  );
  const databaseUrl = parseDatabaseUrl(read(env, 'CW_DATABASE_URL'));
  const role = parse(
    'CW_ROLE',
    z.enum(SERVER_ROLES, { error: 'must be all, control or media' }),
    read(env, 'CW_ROLE') ?? 'all',
  );
  if (role !== 'all' && databaseUrl === null) {
    throw new ConfigError(
      'CW_ROLE',
      `${role} shares the province's PostgreSQL with the other processes: set CW_DATABASE_URL`,
    );
  }

  return {
    role,
    node: {
      name: parse(
        'CW_NODE_NAME',
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
          error: 'must be 1–64 letters, digits, dots, dashes or underscores',
        }),
        read(env, 'CW_NODE_NAME') ?? `${os.hostname()}-${httpPort}`.replace(/[^A-Za-z0-9._-]/g, '-'),
      ),
      url: (() => {
        const url = read(env, 'CW_NODE_URL');
        return url === undefined
          ? null
          : new URL(
              parse('CW_NODE_URL', z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }), url),
            );
      })(),
      capacity: parse(
        'CW_NODE_CAPACITY',
        z.coerce.number().int().min(1).max(100_000),
        // bench:record: about 40 recorded counters per core on this class of machine.
        read(env, 'CW_NODE_CAPACITY') ?? String(40 * workers),
      ),
    },
    http: {
      host: read(env, 'CW_HTTP_HOST') ?? '0.0.0.0',
      port: httpPort,
    },
    publicUrl: new URL(publicUrl),
    allowedOrigins: [
      new URL(publicUrl).origin,
      ...(read(env, 'CW_ALLOWED_ORIGINS') ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean)
        .map((o) =>
          parse(
            'CW_ALLOWED_ORIGINS',
            z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin),
            o,
          ),
        ),
    ],
    dataDir,
    databaseUrl,
    consoleDir,
    logLevel: parse(
      'CW_LOG_LEVEL',
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
      read(env, 'CW_LOG_LEVEL') ?? 'info',
    ),
    directoryFile,
    trustProxy: parseTrustProxy(read(env, 'CW_TRUST_PROXY')),
    metricsToken: (() => {
      const token = read(env, 'CW_METRICS_TOKEN');
      if (token === undefined) return null;
      // A scrape token is a long random secret (e.g. `openssl rand -base64 32`), never a word.
      return parse(
        'CW_METRICS_TOKEN',
        z
          .string()
          .min(24, { error: 'must be at least 24 characters (e.g. openssl rand -base64 32)' })
          .regex(/^\S+$/, { error: 'must not contain spaces' }),
        token,
      );
    })(),
    inspectionMaxMs: Math.round(
      60_000 *
        parse(
          'CW_INSPECTION_MAX_MINUTES',
          z.coerce
            .number()
            .positive()
            .max(24 * 60),
          read(env, 'CW_INSPECTION_MAX_MINUTES') ?? '120',
        ),
    ),
    media: {
      workers,
      workerBin,
      listenIp,
      announcedIp,
      webRtcPort,
      webRtcTcp: parse('CW_WEBRTC_TCP', Bool, read(env, 'CW_WEBRTC_TCP') ?? 'true'),
      udpBufferBytes:
        1024 *
        parse(
          'CW_UDP_BUFFER_KB',
          z.coerce.number().int().min(64).max(65_536),
          read(env, 'CW_UDP_BUFFER_KB') ?? String(DEFAULT_UDP_BUFFER_BYTES / 1024),
        ),
      rtcMinPort,
      rtcMaxPort,
      ingestHost: read(env, 'CW_INGEST_HOST') ?? null,
      renditions: {
        grid: parseRendition('grid', 'CW_GRID_RENDITION', read(env, 'CW_GRID_RENDITION') ?? '320x180@15:150'),
        focus: parseRendition(
          'focus',
          'CW_FOCUS_RENDITION',
          read(env, 'CW_FOCUS_RENDITION') ?? '1280x720@25:1200',
        ),
      },
      audioBitrateKbps: parse(
        'CW_AUDIO_BITRATE_KBPS',
        z.coerce.number().int().min(8).max(256),
        read(env, 'CW_AUDIO_BITRATE_KBPS') ?? '32',
      ),
      keyframeIntervalSeconds: parse(
        'CW_KEYFRAME_INTERVAL_S',
        z.coerce.number().min(0.2).max(10),
        read(env, 'CW_KEYFRAME_INTERVAL_S') ?? '1',
      ),
      reconnectGraceMs: parse(
        'CW_RECONNECT_GRACE_MS',
        z.coerce.number().int().min(0).max(600_000),
        read(env, 'CW_RECONNECT_GRACE_MS') ?? '20000',
      ),
    },
    bootstrapAdmin: parse('CW_BOOTSTRAP_ADMIN', Bool, read(env, 'CW_BOOTSTRAP_ADMIN') ?? 'true'),
    recording: {
      enabled: parse('CW_RECORDING', Bool, read(env, 'CW_RECORDING') ?? 'true'),
      dir: path.resolve(read(env, 'CW_RECORDINGS_DIR') ?? path.join(dataDir, 'recordings')),
      segmentSeconds: parse(
        'CW_SEGMENT_SECONDS',
        z.coerce.number().int().min(1).max(600),
        read(env, 'CW_SEGMENT_SECONDS') ?? '10',
      ),
      retentionDays: parse(
        'CW_RETENTION_DAYS',
        z.coerce.number().int().min(1).max(3650),
        read(env, 'CW_RETENTION_DAYS') ?? '30',
      ),
      quotaBytes: (() => {
        const gb = read(env, 'CW_RECORDING_QUOTA_GB');
        return gb === undefined
          ? null
          : Math.round(parse('CW_RECORDING_QUOTA_GB', z.coerce.number().positive(), gb) * 1e9);
      })(),
      holdReleaseDays: parse(
        'CW_HOLD_RELEASE_DAYS',
        z.coerce.number().int().min(0).max(3650),
        read(env, 'CW_HOLD_RELEASE_DAYS') ?? '30',
      ),
      ports: recorderPorts,
      minFreeBytes:
        1024 *
        1024 *
        parse(
          'CW_RECORDING_MIN_FREE_MB',
          z.coerce.number().int().min(0),
          read(env, 'CW_RECORDING_MIN_FREE_MB') ?? '256',
        ),
    },
    alertClearHoldMs:
      1000 *
      parse(
        'CW_ALERT_CLEAR_HOLD_S',
        z.coerce.number().int().min(0).max(3600),
        read(env, 'CW_ALERT_CLEAR_HOLD_S') ?? '60',
      ),
    clockOffsetMs: (() => {
      try {
        return clockOffsetFromEnv(env);
      } catch (error) {
        throw new ConfigError('CW_CLOCK_OFFSET_MS', (error as Error).message);
      }
    })(),
  };
}
