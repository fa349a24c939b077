import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { OpeningHours } from '@counterwatch/shared';
import {
  ADMIN_EXIT_EXISTS,
  AGENT_CLI,
  AdminError,
  LOAD_PUBLISHER_CLI,
  ManagedProcess,
  SERVER_MAIN,
  runAdmin,
} from './processes.js';
import { provision, type Provisioned } from './provision.js';

/**
 * A whole CounterWatch on one machine: the server and one agent per counter
 * with test sources, in a directory of its own. `npm start` runs one; the
 * integration tests and benchmarks run many, one after another.
 */
export interface StackOptions {
  dir: string;
  host?: string;
  /** 0 = any free port. */
  httpPort?: number;
  /** The URL users open; defaults to http://host:port. */
  publicUrl?: string;
  allowedOrigins?: string[];
  departments?: number;
  countersPerDepartment?: number;
  /** A province of this many counters instead of departments × counters (see provinceLayout). */
  province?: number;
  openingHours?: OpeningHours;
  workers?: number;
  /** WebRtcServer base port; a random one if not given, so stacks never collide. */
  webRtcPort?: number;
  gridRendition?: string;
  focusRendition?: string;
  reconnectGraceMs?: number;
  logLevel?: string;
  /** Environment for the server on top of the above. */
  serverEnv?: NodeJS.ProcessEnv;
  /** Run the server's and the agents' clocks this far from the machine's (tests pin a time of day). */
  clockOffsetMs?: number;
  workerBin?: string;
}

/** Counters whose ports (10 each, plus 200) fit between the WebRTC port + 100 and the recorder's at + 1000. */
const SMALL_RANGE_COUNTERS = 70;

export class Stack {
  readonly dir: string;
  readonly provisioned: Provisioned;
  readonly agents = new Map<string, ManagedProcess>();
  /** The load publisher (one encoder for many counters), if started. */
  loadPublisher: ManagedProcess | undefined;
  /** Further server processes on the same database (PostgreSQL), see `startPeer`. */
  readonly peers = new Map<string, { server: ManagedProcess; url: string }>();
  readonly #options: StackOptions;
  readonly #serverEnv: NodeJS.ProcessEnv;
  #server: ManagedProcess | undefined;
  #url: string | undefined;
  #port: number;

  private constructor(options: StackOptions, provisioned: Provisioned, serverEnv: NodeJS.ProcessEnv) {
    this.dir = options.dir;
    this.#options = options;
    this.provisioned = provisioned;
    this.#serverEnv = serverEnv;
    this.#port = options.httpPort ?? 0;
  }

  /** Provisions the directory and starts the server (not the agents). */
  static async create(options: StackOptions): Promise<Stack> {
    fs.mkdirSync(path.join(options.dir, 'logs'), { recursive: true });
    const provisioned = provision({
      dir: options.dir,
      departments: options.departments ?? 2,
      countersPerDepartment: options.countersPerDepartment ?? 4,
      ...(options.province !== undefined ? { province: options.province } : {}),
      ...(options.openingHours ? { openingHours: options.openingHours } : {}),
    });
    const host = options.host ?? '127.0.0.1';
    const webRtcPort = options.webRtcPort ?? (await freeWebRtcPort(host));
    const workers = options.workers ?? 1;
    const counterCount = provisioned.counters.length;
    const serverEnv: NodeJS.ProcessEnv = {
      ...process.env,
      CW_DATA_DIR: path.join(options.dir, 'data'),
      CW_DIRECTORY_FILE: provisioned.directoryFile,
      CW_HTTP_HOST: host,
      CW_MEDIA_LISTEN_IP: host,
      CW_WORKERS: String(workers),
      CW_WEBRTC_PORT: String(webRtcPort),
      // A counter takes up to 10 ports of the range: 3 SRTP ingests (two renditions and sound) with RTCP on a
      // port of its own, and its recorder's consumers. A small stack fits below the recorder's ports
      // (+1000…+1999); a province goes above them.
      CW_RTC_MIN_PORT: String(webRtcPort + (counterCount > SMALL_RANGE_COUNTERS ? 2000 : 100)),
      CW_RTC_MAX_PORT: String(
        webRtcPort +
          (counterCount > SMALL_RANGE_COUNTERS ? 2000 : 100) +
          Math.max(200, 40 * workers, 10 * counterCount + 200),
      ),
      // Each stack its own recorder ports, beside its mediasoup range.
      CW_RECORDER_PORTS: `${webRtcPort + 1000}-${webRtcPort + 1999}`,
      CW_GRID_RENDITION: options.gridRendition ?? '320x180@15:150',
      CW_FOCUS_RENDITION: options.focusRendition ?? '640x360@20:500',
      CW_RECONNECT_GRACE_MS: String(options.reconnectGraceMs ?? 15_000),
      CW_LOG_LEVEL: options.logLevel ?? 'info',
      CW_BOOTSTRAP_ADMIN: 'false',
      CW_CLOCK_OFFSET_MS: String(options.clockOffsetMs ?? 0),
      ...(options.workerBin ? { MEDIASOUP_WORKER_BIN: options.workerBin } : {}),
      ...options.serverEnv,
    };
    const stack = new Stack(options, provisioned, serverEnv);
    await stack.startServer();
    return stack;
  }

  get url(): string {
    if (!this.#url) throw new Error('server not started');
    return this.#url;
  }

  get server(): ManagedProcess {
    if (!this.#server) throw new Error('server not started');
    return this.#server;
  }

  get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  /** Starts the server; `env` adds to (or overrides) its environment for this run only. */
  async startServer(env: NodeJS.ProcessEnv = {}): Promise<void> {
    const host = this.#options.host ?? '127.0.0.1';
    // The public URL must be known before start (Origin checks), so a free port is picked first.
    if (this.#port === 0) this.#port = await freePort(host);
    const publicUrl = this.#options.publicUrl ?? `http://${host}:${this.#port}`;
    const server = new ManagedProcess('server', SERVER_MAIN, [], {
      env: {
        ...this.#serverEnv,
        CW_HTTP_PORT: String(this.#port),
        CW_PUBLIC_URL: publicUrl,
        CW_ALLOWED_ORIGINS: (this.#options.allowedOrigins ?? []).join(','),
        ...env,
      },
      logFile: path.join(this.dir, 'logs', 'server.log'),
    });
    this.#server = server;
    await server.waitForLine(/listening on /, 60_000);
    this.#url = `http://${host}:${this.#port}`;
  }

  async stopServer(): Promise<void> {
    await this.#server?.stop();
  }

  /**
   * Starts another server process on the same database and directory, with
   * HTTP, WebRTC and recorder ports of its own: several control processes
   * behind a reverse proxy (PostgreSQL only; a SQLite file has one server).
   */
  async startPeer(
    name: string,
    env: NodeJS.ProcessEnv = {},
  ): Promise<{ server: ManagedProcess; url: string }> {
    if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`bad peer name ${name}`);
    await this.peers.get(name)?.server.stop();
    const host = this.#options.host ?? '127.0.0.1';
    const port = await freePort(host);
    const webRtcPort = await freeWebRtcPort(host);
    const workers = this.#options.workers ?? 1;
    const server = new ManagedProcess(`server ${name}`, SERVER_MAIN, [], {
      env: {
        ...this.#serverEnv,
        CW_HTTP_PORT: String(port),
        CW_PUBLIC_URL: this.#options.publicUrl ?? `http://${host}:${port}`,
        CW_ALLOWED_ORIGINS: (this.#options.allowedOrigins ?? []).join(','),
        CW_WEBRTC_PORT: String(webRtcPort),
        CW_RTC_MIN_PORT: String(webRtcPort + 100),
        CW_RTC_MAX_PORT: String(webRtcPort + 100 + Math.max(200, 40 * workers)),
        CW_RECORDER_PORTS: `${webRtcPort + 1000}-${webRtcPort + 1999}`,
        ...env,
      },
      logFile: path.join(this.dir, 'logs', `server-${name}.log`),
    });
    const peer = { server, url: `http://${host}:${port}` };
    this.peers.set(name, peer);
    await server.waitForLine(/listening on /, 60_000);
    return peer;
  }

  /**
   * Starts the agent of one counter with test sources, unless `testSources`
   * is false (its sources then come from `extraArgs`, e.g. a `--config` file:
   * flags would override the file).
   */
  async startAgent(
    counterId: string,
    extraArgs: string[] = [],
    { testSources = true }: { testSources?: boolean } = {},
  ): Promise<ManagedProcess> {
    const counter = this.provisioned.counters.find((c) => c.id === counterId);
    if (!counter) throw new Error(`no counter ${counterId}`);
    await this.agents.get(counterId)?.stop();
    const agent = new ManagedProcess(
      `agent ${counterId}`,
      AGENT_CLI,
      [
        '--server',
        this.url,
        '--counter',
        counterId,
        '--token-file',
        counter.tokenFile,
        ...(testSources ? ['--video', 'test', '--audio', 'test'] : []),
        '--state-dir',
        path.join(this.dir, 'agents', counterId),
        '--events-port',
        '0',
        ...extraArgs,
      ],
      {
        env: {
          ...process.env,
          LOG_LEVEL: 'info',
          CW_CLOCK_OFFSET_MS: String(this.#options.clockOffsetMs ?? 0),
        },
        logFile: path.join(this.dir, 'logs', `agent-${counterId}.log`),
      },
    );
    this.agents.set(counterId, agent);
    return agent;
  }

  async startAgents(limit = Infinity): Promise<void> {
    for (const c of this.provisioned.counters.slice(0, limit)) await this.startAgent(c.id);
  }

  /**
   * Publishes these counters from one shared encoder through the real ingest
   * path (each its own hello, token, producers and keys): the province demo
   * and the wall benchmark. Resolves once the process has started. `processes`
   * runs its relay in that many child processes (default: the publisher's
   * own choice, one per 150 counters; 1 = in the publisher itself); `pid` is
   * the publisher, which keeps the connections and the encoder.
   */
  async startLoadPublisher(
    counterIds: readonly string[],
    { processes, logLevel = 'warn' }: { processes?: number; logLevel?: string } = {},
  ): Promise<ManagedProcess> {
    await this.loadPublisher?.stop();
    const counters = counterIds.map((id) => {
      const counter = this.provisioned.counters.find((c) => c.id === id);
      if (!counter) throw new Error(`no counter ${id}`);
      return { counterId: id, tokenFile: counter.tokenFile };
    });
    const file = path.join(this.dir, 'load-counters.json');
    fs.writeFileSync(file, JSON.stringify(counters), { mode: 0o600 });
    const publisher = new ManagedProcess(
      'load publisher',
      LOAD_PUBLISHER_CLI,
      [
        '--server',
        this.url,
        '--counters',
        file,
        '--log-level',
        logLevel,
        ...(processes !== undefined ? ['--processes', String(processes)] : []),
      ],
      { env: { ...process.env }, logFile: path.join(this.dir, 'logs', 'load-publisher.log') },
    );
    this.loadPublisher = publisher;
    await publisher.waitForLine(/counterwatch-load-publisher: \d+ counters/);
    return publisher;
  }

  /** The loopback URL an agent listens on for queue events. */
  async agentEventsUrl(counterId: string): Promise<string> {
    const agent = this.agents.get(counterId);
    if (!agent) throw new Error(`no agent for ${counterId}`);
    const m = await agent.waitForLine(/events on (http:\/\/\S+)/);
    return m[1] ?? '';
  }

  /** Creates an account; returns its generated password. */
  createUser(username: string, roles: string[], departments?: string[], name?: string): string {
    return runAdmin(
      [
        'user',
        'add',
        '--data-dir',
        this.dataDir,
        '--username',
        username,
        '--roles',
        roles.join(','),
        ...(departments ? ['--departments', departments.join(',')] : []),
        ...(name ? ['--name', name] : []),
      ],
      this.#serverEnv,
    );
  }

  /** Runs `counterwatch-admin NOUN VERB …` on this stack's data directory and database; its stdout. */
  admin(noun: string, verb: string, args: string[] = []): string {
    return runAdmin([noun, verb, '--data-dir', this.dataDir, ...args], this.#serverEnv);
  }

  /** Creates the account, or gives an existing one a new password; returns the password. */
  ensureUser(username: string, roles: string[], departments?: string[], name?: string): string {
    try {
      return this.createUser(username, roles, departments, name);
    } catch (error) {
      if (!(error instanceof AdminError) || error.exitCode !== ADMIN_EXIT_EXISTS) throw error;
      return runAdmin(
        ['user', 'reset-password', '--data-dir', this.dataDir, '--username', username],
        this.#serverEnv,
      );
    }
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.agents.values(), ...(this.loadPublisher ? [this.loadPublisher] : [])].map((a) => a.stop()),
    );
    await Promise.all([...this.peers.values()].map((p) => p.server.stop()));
    await this.#server?.stop();
  }
}

/** A port that was free a moment ago (the OS picks it). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether `port` takes a UDP and a TCP socket on `host` now. */
async function portFree(host: string, port: number): Promise<boolean> {
  const udp = await new Promise<boolean>((resolve) => {
    const socket = dgram.createSocket('udp4');
    socket.once('error', () => resolve(false));
    socket.bind(port, host, () => socket.close(() => resolve(true)));
  });
  if (!udp) return false;
  return new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * A random WebRTC port that is free now, below the kernel's ephemeral range
 * (32768 and up) where outgoing connections would take it: on a machine
 * running several stacks a blind pick collided now and then ("address
 * already in use" at start).
 */
async function freeWebRtcPort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    if (await portFree(host, port)) return port;
  }
  throw new Error('no free WebRTC port found between 20000 and 30000');
}
