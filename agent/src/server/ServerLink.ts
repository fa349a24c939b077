import fs from 'node:fs';
import WebSocket from 'ws';
import {
  AGENT_CLOSE,
  AGENT_PROTOCOL_VERSION,
  Backoff,
  Peer,
  TypedEmitter,
  agentToServer,
  serverToAgent,
  type AgentHealth,
  type AgentToServer,
  type AgentWelcome,
  type IncomingNotification,
  type ProtocolApi,
  type ServerToAgent,
} from '@counterwatch/shared';
import type { Logger } from 'pino';

export type ServerLinkEvents = {
  /** Hello answered: the agent may publish. Fires after every (re)connect. */
  ready: [welcome: AgentWelcome, api: ProtocolApi<AgentToServer>];
  /** The server lost our media (its worker restarted): publish again. */
  republish: [reason: string];
  disconnected: [reason: string];
};

export interface ServerLinkOptions {
  /** http(s) URL of the server; the socket goes to /ws/agent on it. */
  serverUrl: URL;
  counterId: string;
  token: string;
  publisher: 'ffmpeg' | 'browser';
  agentVersion: string;
  logger: Logger;
  /** Extra CA certificates for a server with a private CA (never disable verification). */
  caFile?: string;
  backoff?: Backoff;
  /** No ping from the server for this long means the connection is dead. */
  silenceTimeoutMs?: number;
}

/**
 * The agent's connection to the server: versioned hello, reconnect with
 * capped exponential backoff, dead-connection detection, and a fresh
 * `ready` after every reconnect so the agent republishes from scratch.
 */
export class ServerLink extends TypedEmitter<ServerLinkEvents> {
  readonly #options: ServerLinkOptions;
  readonly #logger: Logger;
  readonly #backoff: Backoff;
  readonly #ca: Buffer | undefined;
  #ws: WebSocket | undefined;
  #peer: Peer<AgentToServer, ServerToAgent> | undefined;
  #api: ProtocolApi<AgentToServer> | undefined;
  #reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  #silenceTimer: ReturnType<typeof setTimeout> | undefined;
  #welcome: AgentWelcome | undefined;
  /** The media node the control side sent us to; undefined = the configured server (home). */
  #node: { name: string; url: URL } | undefined;
  /** Nodes we could not reach or just lost, told to the next hello so placement looks elsewhere. */
  readonly #avoid = new Set<string>();
  /** Redirects followed since the last ready: a loop between nodes must not spin. */
  #redirects = 0;
  #redirecting = false;
  #stopped = false;

  constructor(options: ServerLinkOptions) {
    super();
    this.#options = options;
    this.#logger = options.logger.child({ module: 'server-link' });
    this.#backoff = options.backoff ?? new Backoff({ initialMs: 500, maxMs: 30_000 });
    this.#ca = options.caFile ? fs.readFileSync(options.caFile) : undefined;
  }

  /** The API of the current connection, if it said hello. */
  get api(): ProtocolApi<AgentToServer> | undefined {
    return this.#api;
  }

  get welcome(): AgentWelcome | undefined {
    return this.#welcome;
  }

  get connected(): boolean {
    return this.#api !== undefined;
  }

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  sendHeartbeat(health: AgentHealth): void {
    this.#api?.notifyHeartbeat(health);
  }

  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#silenceTimer);
    this.#ws?.close(1000, 'agent stopping');
    this.#peer?.close();
  }

  /** The server this link says hello to now: its media node, or the configured server. */
  get url(): URL {
    return this.#node?.url ?? this.#options.serverUrl;
  }

  /** The host part of `url`, as RTP is sent to it (IPv6 without brackets). */
  get host(): string {
    return this.url.hostname.replace(/^\[|\]$/g, '');
  }

  /** The media node this agent publishes to, when the server placed it on one. */
  get node(): string | undefined {
    return this.#node?.name;
  }

  #connect(): void {
    const url = new URL('/ws/agent', this.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url, { ca: this.#ca, handshakeTimeout: 10_000, maxPayload: 4 * 1024 * 1024 });
    this.#ws = ws;
    const peer = new Peer<AgentToServer, ServerToAgent>({
      socket: { send: (text) => ws.send(text) },
      outgoing: agentToServer,
      incoming: serverToAgent,
      onNotification: (n) => this.#onNotification(n),
      requestTimeoutMs: 15_000,
    });
    this.#peer = peer;
    peer.on('remoteError', (error) =>
      this.#logger.warn({ code: error.code, reason: error.message }, 'server refused a message'),
    );
    peer.on('rejected', (error) =>
      this.#logger.warn({ code: error.code, reason: error.message }, 'refused a server message'),
    );

    ws.on('open', () => {
      this.#armSilenceTimer();
      void this.#hello(peer);
    });
    ws.on('ping', () => this.#armSilenceTimer());
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) peer.receive(data.toString('utf8'));
    });
    ws.on('error', (error) => this.#logger.warn({ reason: error.message }, 'server connection error'));
    ws.on('close', (code, reasonBuffer) => {
      const reason = reasonBuffer.toString() || String(code);
      peer.close();
      clearTimeout(this.#silenceTimer);
      const wasReady = this.#api !== undefined;
      this.#api = undefined;
      this.#peer = undefined;
      if (wasReady) this.emit('disconnected', reason);
      if (this.#stopped) return;
      if (this.#redirecting) {
        this.#redirecting = false;
        this.#connect();
        return;
      }
      const node = this.#node;
      if (node) {
        // Back to the control side to be placed again: at once when the node sent us away or had
        // been serving us (it died: another node takes over), after the backoff otherwise.
        this.#node = undefined;
        if (code !== AGENT_CLOSE.moved) this.#avoid.add(node.name);
        if (this.#avoid.size > 8) this.#avoid.delete(this.#avoid.values().next().value ?? '');
        if (wasReady || code === AGENT_CLOSE.moved) {
          this.#logger.warn(
            { node: node.name, code, reason },
            'lost the media node, asking to be placed again',
          );
          this.#reconnectTimer = setTimeout(() => this.#connect(), 0);
          return;
        }
      }
      this.#scheduleReconnect(code, reason);
    });
  }

  async #hello(peer: Peer<AgentToServer, ServerToAgent>): Promise<void> {
    const api = peer.api();
    try {
      const welcome = await api.requestHello({
        protocolVersion: AGENT_PROTOCOL_VERSION,
        counterId: this.#options.counterId,
        token: this.#options.token,
        publisher: this.#options.publisher,
        agentVersion: this.#options.agentVersion,
        ...(this.#avoid.size > 0 ? { avoid: [...this.#avoid] } : {}),
      });
      if (peer.closed) return;
      if (welcome.redirect) {
        this.#followRedirect(welcome.redirect);
        return;
      }
      this.#redirects = 0;
      this.#avoid.clear();
      this.#backoff.reset();
      this.#api = api;
      this.#welcome = welcome;
      this.#logger.info({ sessionId: welcome.sessionId }, 'connected to server');
      this.emit('ready', welcome, api);
    } catch (error) {
      this.#logger.error({ reason: error instanceof Error ? error.message : String(error) }, 'hello refused');
      // The server closes the socket after refusing; the close handler reconnects.
    }
  }

  #followRedirect(redirect: { node: string; url: string }): void {
    this.#redirects += 1;
    if (this.#redirects > 4) {
      // Nodes disagreeing about placement: start again from home, after the backoff.
      this.#logger.error({ node: redirect.node }, 'too many redirects between media nodes');
      this.#redirects = 0;
      this.#node = undefined;
      this.#ws?.close(1000, 'too many redirects');
      return;
    }
    this.#logger.info({ node: redirect.node }, 'placed on a media node');
    this.#node = { name: redirect.node, url: new URL(redirect.url) };
    this.#redirecting = true;
    this.#ws?.close(1000, 'redirected');
  }

  #onNotification(notification: IncomingNotification<ServerToAgent>): void {
    // One member today; the switch is where new notifications go, checked for exhaustiveness.
    switch (notification.name) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      case 'republish':
        this.#logger.warn({ reason: notification.data.reason }, 'server asks to republish');
        this.emit('republish', notification.data.reason);
        return;
      default: {
        const unreachable: never = notification.name;
        this.#logger.error({ name: String(unreachable) }, 'unhandled notification');
      }
    }
  }

  #scheduleReconnect(code: number, reason: string): void {
    let delay = this.#backoff.next();
    if (
      code === AGENT_CLOSE.authFailed ||
      code === AGENT_CLOSE.revoked ||
      code === AGENT_CLOSE.unsupportedVersion
    ) {
      // Retrying fast will not fix a token or a version: wait the longest, say so loudly.
      delay = Math.max(delay, 30_000);
      this.#logger.error({ code, reason }, 'server refused this agent; fix the token or upgrade the agent');
    } else if (code === AGENT_CLOSE.superseded) {
      // Two agents for one counter would evict each other forever: the evicted one waits long.
      delay = Math.max(delay, 30_000);
      this.#logger.error('another agent connected as this counter; retrying later');
    }
    this.#logger.info({ retryInMs: delay, code, reason }, 'reconnecting');
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  #armSilenceTimer(): void {
    clearTimeout(this.#silenceTimer);
    this.#silenceTimer = setTimeout(() => {
      this.#logger.warn('server silent, dropping connection');
      this.#ws?.terminate();
    }, this.#options.silenceTimeoutMs ?? 40_000);
  }
}
