import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CounterIdSchema, VideoCodecSchema, clockOffsetFromEnv, describeIssues } from '@counterwatch/shared';
import { defaultCredentialsFile, readCredentials, type Credentials } from './credentials.js';
import { parseAudioSource, parseVideoSource, type AudioSource, type VideoSource } from './media/sources.js';

export interface AgentConfig {
  serverUrl: URL;
  counterId: string;
  token: string;
  video: VideoSource;
  audio: AudioSource;
  codec: 'vp8' | 'h264';
  stateDir: string;
  eventsPort: number;
  /** The local key the queue system must present on the event port (from --events-key-file). */
  eventsKey: string | undefined;
  /** Web origins allowed to post events (a queue system's web front end). */
  eventsAllowedOrigins: string[];
  caFile: string | undefined;
  logLevel: string;
  timezone: string;
  ffmpegPath: string;
  ffprobePath: string;
  /** `auto`: GStreamer where it opens the source (it answers keyframe requests), else ffmpeg. */
  publisher: PublisherChoice;
  /** The python that runs the GStreamer publisher (needs python3-gi). */
  pythonPath: string;
  outboxCapacity: number;
  /** CW_CLOCK_OFFSET_MS: tests and demos run every process of an installation at a pinned time. */
  clockOffsetMs: number;
  /** Things the operator should change, logged once the logger exists. */
  warnings: string[];
}

export const PUBLISHER_CHOICES = ['auto', 'gstreamer', 'ffmpeg'] as const;
export type PublisherChoice = (typeof PUBLISHER_CHOICES)[number];

export class AgentConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentConfigError';
  }
}

export const USAGE = `usage: counterwatch-agent enroll --server URL --code CODE   (once: see enroll --help)
       counterwatch-agent [--credentials FILE] [options]
       counterwatch-agent --server URL --counter ID --token-file PATH [options]

  --credentials FILE    what "enroll" kept: server, counter, token
                        (default $XDG_CONFIG_HOME/counterwatch-agent/credentials.json)
  --server URL          CounterWatch server, e.g. https://counterwatch.example.vn (default: the credentials')
  --counter ID          this counter's id (default: the credentials')
  --token-file PATH     file holding this counter's agent token (instead of the credentials)
  --video SRC           test | clock | v4l2:/dev/videoN | rtsp://user:pass@camera/stream | FILE   (default test;
                        clock: a test picture carrying its capture time, to measure glass-to-glass)
  --audio SRC           test | alsa:DEVICE | rtsp | none                                   (default test)
  --codec CODEC         vp8 | h264                                                         (default vp8)
  --state-dir DIR       where the event outbox is kept     (default ~/.local/state/counterwatch-agent/ID)
  --events-port N       loopback port for the queue system's events (default 8765; 0 = any)
  --events-key-file PATH  a local key the queue system must send (Authorization: Bearer KEY)
  --events-allow-origin ORIGIN  a web origin allowed to post events (repeatable; none by default)
  --ca-file PATH        extra CA certificate(s) to trust for the server
  --timezone TZ         clock shown on the test picture (default Asia/Ho_Chi_Minh)
  --ffmpeg PATH         ffmpeg binary (default ffmpeg)
  --ffprobe PATH        ffprobe binary, to look at an IP camera's streams (default: beside --ffmpeg)
  --publisher P         auto | gstreamer | ffmpeg (default auto: GStreamer, which answers keyframe
                        requests, for every source; ffmpeg where GStreamer is not installed)
  --python PATH         python with GStreamer's bindings, for the GStreamer publisher (default /usr/bin/python3)
  --outbox-capacity N   events kept while offline before refusing new ones (default 100000)
  --log-level LEVEL     fatal | error | warn | info | debug (default info)
  --config FILE         JSON file with the same settings in camelCase; flags override it
`;

const FileSchema = z
  .object({
    server: z.string(),
    counter: z.string(),
    tokenFile: z.string(),
    credentials: z.string(),
    video: z.string(),
    audio: z.string(),
    codec: z.string(),
    stateDir: z.string(),
    eventsPort: z.number(),
    eventsKeyFile: z.string(),
    eventsAllowOrigins: z.array(z.string()),
    caFile: z.string(),
    timezone: z.string(),
    ffmpeg: z.string(),
    ffprobe: z.string(),
    publisher: z.string(),
    python: z.string(),
    outboxCapacity: z.number(),
    logLevel: z.string(),
  })
  .partial()
  .strict();

export function loadAgentConfig(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
): AgentConfig {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        server: { type: 'string' },
        counter: { type: 'string' },
        'token-file': { type: 'string' },
        credentials: { type: 'string' },
        video: { type: 'string' },
        audio: { type: 'string' },
        codec: { type: 'string' },
        'state-dir': { type: 'string' },
        'events-port': { type: 'string' },
        'events-key-file': { type: 'string' },
        'events-allow-origin': { type: 'string', multiple: true },
        'ca-file': { type: 'string' },
        timezone: { type: 'string' },
        ffmpeg: { type: 'string' },
        ffprobe: { type: 'string' },
        publisher: { type: 'string' },
        python: { type: 'string' },
        'outbox-capacity': { type: 'string' },
        'log-level': { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new AgentConfigError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) throw new AgentConfigError(USAGE);

  let file: z.infer<typeof FileSchema> = {};
  if (values.config) {
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(values.config, 'utf8'));
    } catch (error) {
      throw new AgentConfigError(`--config ${values.config}: ${(error as Error).message}`);
    }
    const parsed = FileSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = describeIssues(parsed.error)[0];
      throw new AgentConfigError(`--config ${values.config}: ${issue?.path}: ${issue?.message}`);
    }
    file = parsed.data;
  }

  const pick = (flag: string | undefined, fromFile: string | number | undefined): string | undefined =>
    flag ?? (fromFile === undefined ? undefined : String(fromFile));
  const need = (name: string, value: string | undefined): string => {
    if (value === undefined || value === '') {
      const hint = name === 'token-file' ? ' (or enroll first: counterwatch-agent enroll --help)' : '';
      throw new AgentConfigError(`--${name} is required${hint}\n\n${USAGE}`);
    }
    return value;
  };

  // Without --token-file, the credentials "counterwatch-agent enroll" kept.
  const tokenFile = pick(values['token-file'], file.tokenFile);
  const credentialsFile = pick(values.credentials, file.credentials) ?? defaultCredentialsFile(env);
  const warnings: string[] = [];
  let enrolled: Credentials | undefined;
  if (tokenFile === undefined && fs.existsSync(credentialsFile)) {
    try {
      const { credentials, warning } = readCredentials(credentialsFile);
      enrolled = credentials;
      if (warning) warnings.push(warning);
    } catch (error) {
      throw new AgentConfigError(`--credentials ${credentialsFile}: ${(error as Error).message}`);
    }
  }

  const serverRaw = need('server', pick(values.server, file.server) ?? enrolled?.server);
  let serverUrl: URL;
  try {
    serverUrl = new URL(serverRaw);
  } catch {
    throw new AgentConfigError(`--server ${serverRaw}: not a URL`);
  }
  if (serverUrl.protocol !== 'http:' && serverUrl.protocol !== 'https:') {
    throw new AgentConfigError('--server must be an http:// or https:// URL');
  }

  const counter = CounterIdSchema.safeParse(
    need('counter', pick(values.counter, file.counter) ?? enrolled?.counterId),
  );
  if (!counter.success)
    throw new AgentConfigError(`--counter: ${counter.error.issues[0]?.message ?? 'invalid'}`);
  if (enrolled && enrolled.counterId !== counter.data) {
    throw new AgentConfigError(
      `--counter ${counter.data}: ${credentialsFile} is for counter ${enrolled.counterId}; enroll this PC again`,
    );
  }

  let token: string;
  if (enrolled) {
    token = enrolled.token;
  } else {
    const from = need('token-file', tokenFile);
    try {
      token = fs.readFileSync(from, 'utf8').trim();
    } catch (error) {
      throw new AgentConfigError(`--token-file ${from}: ${(error as Error).message}`);
    }
    if (token.length < 16) throw new AgentConfigError(`--token-file ${from}: the token is too short`);
  }

  const video = parseVideoSource(pick(values.video, file.video) ?? 'test');
  if (values.video !== undefined && video.kind === 'rtsp' && new URL(video.url).password !== '') {
    warnings.push(
      'the camera password is on the command line, where any user of this PC can read it (ps): put "video" in the --config file instead',
    );
  }
  const audio = parseAudioSource(pick(values.audio, file.audio) ?? 'test', video);
  const codec = VideoCodecSchema.safeParse(pick(values.codec, file.codec) ?? 'vp8');
  if (!codec.success) throw new AgentConfigError('--codec must be vp8 or h264');

  const eventsPortText = pick(values['events-port'], file.eventsPort) ?? '8765';
  const eventsPort = /^\d+$/.test(eventsPortText) ? Number(eventsPortText) : Number.NaN;
  if (!Number.isInteger(eventsPort) || eventsPort < 0 || eventsPort > 65535) {
    throw new AgentConfigError('--events-port must be a port number (0 = any)');
  }
  const eventsKeyFile = pick(values['events-key-file'], file.eventsKeyFile);
  let eventsKey: string | undefined;
  if (eventsKeyFile !== undefined) {
    try {
      eventsKey = fs.readFileSync(eventsKeyFile, 'utf8').trim();
    } catch (error) {
      throw new AgentConfigError(`--events-key-file ${eventsKeyFile}: ${(error as Error).message}`);
    }
    if (eventsKey.length < 16 || /\s/.test(eventsKey)) {
      throw new AgentConfigError(
        `--events-key-file ${eventsKeyFile}: the key must be at least 16 characters, no spaces`,
      );
    }
  }
  const eventsAllowedOrigins = values['events-allow-origin'] ?? file.eventsAllowOrigins ?? [];
  for (const origin of eventsAllowedOrigins) {
    let parsedOrigin: string | undefined;
    try {
      parsedOrigin = new URL(origin).origin;
    } catch {
      parsedOrigin = undefined;
    }
    if (parsedOrigin !== origin) {
      throw new AgentConfigError(
        `--events-allow-origin ${origin}: must be an origin like http://queue.local:8080 (no path)`,
      );
    }
  }
  const outboxCapacity = Number(pick(values['outbox-capacity'], file.outboxCapacity) ?? '100000');
  if (!Number.isInteger(outboxCapacity) || outboxCapacity < 1) {
    throw new AgentConfigError('--outbox-capacity must be a positive integer');
  }
  const logLevel = pick(values['log-level'], file.logLevel) ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new AgentConfigError('--log-level must be fatal, error, warn, info, debug, trace or silent');
  }
  const stateHome = env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state');
  let clockOffsetMs: number;
  try {
    clockOffsetMs = clockOffsetFromEnv(env);
  } catch (error) {
    throw new AgentConfigError((error as Error).message);
  }
  const ffmpegPath = pick(values.ffmpeg, file.ffmpeg) ?? 'ffmpeg';
  const publisher = pick(values.publisher, file.publisher) ?? 'auto';
  if (!isPublisherChoice(publisher))
    throw new AgentConfigError('--publisher must be auto, gstreamer or ffmpeg');
  if (publisher === 'ffmpeg' && video.kind === 'clock') {
    throw new AgentConfigError('--video clock is drawn by the GStreamer publisher: use auto or gstreamer');
  }

  return {
    serverUrl,
    counterId: counter.data,
    token,
    video,
    audio,
    codec: codec.data,
    stateDir: path.resolve(
      pick(values['state-dir'], file.stateDir) ?? path.join(stateHome, 'counterwatch-agent', counter.data),
    ),
    eventsPort,
    eventsKey,
    eventsAllowedOrigins,
    caFile: pick(values['ca-file'], file.caFile),
    logLevel,
    timezone: pick(values.timezone, file.timezone) ?? 'Asia/Ho_Chi_Minh',
    ffmpegPath,
    ffprobePath: pick(values.ffprobe, file.ffprobe) ?? siblingFfprobe(ffmpegPath),
    publisher,
    pythonPath: pick(values.python, file.python) ?? '/usr/bin/python3',
    outboxCapacity,
    clockOffsetMs,
    warnings,
  };
}

function isPublisherChoice(value: string): value is PublisherChoice {
  return (PUBLISHER_CHOICES as readonly string[]).includes(value);
}

/** `/opt/ffmpeg/bin/ffmpeg` → `/opt/ffmpeg/bin/ffprobe`; a bare `ffmpeg` → `ffprobe` from PATH. */
function siblingFfprobe(ffmpegPath: string): string {
  if (!ffmpegPath.includes('/')) return 'ffprobe';
  return path.join(path.dirname(ffmpegPath), 'ffprobe');
}
