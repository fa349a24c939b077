import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { WebSocket } from 'ws';
import {
  AGENT_CLOSE,
  AGENT_PROTOCOL_VERSION,
  AppError,
  TypedEmitter,
  agentToServer,
  assertNever,
  type AgentHealth,
  type AgentToServer,
  type AgentWelcome,
  type Counter,
  type EventBatchResult,
  type IncomingNotification,
  type IncomingRequest,
  type Peer,
  type PublisherKind,
  type ServerToAgent,
  serverToAgent,
} from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import { CounterIngest, type IngestCloseReason } from '../media/CounterIngest.js';
import type { DepartmentRouter } from '../media/DepartmentRouter.js';
import { keepAlive, socketPeer } from './socketPeer.js';

/** What an agent connection needs from the server, supplied by its gateway. */
export interface AgentConnectionHost {
  authenticate(counterId: string, token: string): Counter | undefined;
  /**
   * Where the counter publishes: null = here, or the media node its agent is sent on to
   * (`avoid`: nodes the agent could not reach). Throws when no node can take it.
   */
  place(counter: Counter, avoid: readonly string[]): Promise<{ node: string; url: string } | null>;
  welcome(): Pick<
    AgentWelcome,
    'renditions' | 'audioBitrateKbps' | 'keyframeIntervalSeconds' | 'heartbeatIntervalMs' | 'serverTime'
  >;
  getRouter(departmentId: string): Promise<DepartmentRouter>;
  plainIngest: { listenIp: string; announcedIp: string; ingestHost: string | null };
  /** Registers the ingest as the counter's live media; returns its epoch. */
  attachIngest(ingest: CounterIngest): number;
  reportHealth(counterId: string, health: AgentHealth): void;
  ingestEvents(counter: Counter, events: unknown[], sentAt: number | undefined): Promise<EventBatchResult>;
}

export type AgentConnectionEvents = {
  authenticated: [counter: Counter];
  /** A hello named this counter with a token the server refused. */
  refused: [counterId: string];
  closed: [];
};

const HELLO_TIMEOUT_MS = 10_000;

type RequestData<N extends IncomingRequest<AgentToServer>['name']> = Extract<
  IncomingRequest<AgentToServer>,
  { name: N }
>['data'];

/**
 * One counter agent's socket: the hello handshake, then publishing (ffmpeg
 * over SRTP PlainTransports, or a browser over WebRTC), heartbeats and
 * queue-event relay. Everything it does is for its own counter only.
 */
export class AgentConnection extends TypedEmitter<AgentConnectionEvents> {
  readonly id = randomUUID();
  readonly #ws: WebSocket;
  readonly #host: AgentConnectionHost;
  readonly #peer: Peer<ServerToAgent, AgentToServer>;
  #logger: Logger;
  #counter: Counter | undefined;
  #publisher: PublisherKind | undefined;
  #ingest: CounterIngest | undefined;
  #epoch: number | undefined;
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor({
    ws,
    host,
    logger,
    remoteAddress,
  }: {
    ws: WebSocket;
    host: AgentConnectionHost;
    logger: Logger;
    remoteAddress: string;
  }) {
    super();
    this.#ws = ws;
    this.#host = host;
    this.#logger = logger.child({ connectionId: this.id, remoteAddress });
    this.#peer = socketPeer<ServerToAgent, AgentToServer>(
      ws,
      {
        outgoing: serverToAgent,
        incoming: agentToServer,
        onRequest: (request) => this.#handleRequest(request),
        onNotification: (notification) => this.#handleNotification(notification),
        maxMessageBytes: 512 * 1024,
      },
      this.#logger,
    );
    keepAlive(ws);
    ws.on('close', () => this.#onClosed());
    this.#helloTimer = setTimeout(() => this.close(AGENT_CLOSE.authFailed, 'no hello'), HELLO_TIMEOUT_MS);
  }

  get counter(): Counter | undefined {
    return this.#counter;
  }

  /** Closes the socket (and, through it, the counter's media). Runs once. */
  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#ws.close(code, reason);
    this.#onClosed();
  }

  async #handleRequest(request: IncomingRequest<AgentToServer>): Promise<unknown> {
    if (request.name === 'hello') return this.#hello(request.data);
    const counter = this.#counter;
    if (!counter) throw new AppError('unauthenticated', 'say hello first');
    switch (request.name) {
      case 'publishPlain':
        return this.#publishPlain(counter, request.data);
      case 'routerCapabilities': {
        const router = await this.#host.getRouter(counter.departmentId);
        return { rtpCapabilities: router.router.rtpCapabilities as unknown as Record<string, unknown> };
      }
      case 'createSendTransport':
        return this.#createSendTransport(counter);
      case 'connectSendTransport':
        await this.#browserIngest().connectWebRtc(request.data.dtlsParameters);
        return {};
      case 'produce': {
        const ingest = this.#browserIngest();
        const producerId = await ingest.produceWebRtc(
          request.data.track,
          request.data.kind,
          request.data.rtpParameters as unknown as types.RtpParameters,
        );
        return { producerId, epoch: this.#epoch ?? 0 };
      }
      case 'unpublish':
        this.#ingest?.close('unpublished');
        this.#ingest = undefined;
        return {};
      case 'pushEvents':
        return this.#host.ingestEvents(counter, request.data.events, request.data.sentAt);
      default:
        return assertNever(request, 'agent request');
    }
  }

  #handleNotification(notification: IncomingNotification<AgentToServer>): void {
    // One member today; the switch is where new notifications go, checked for exhaustiveness.
    switch (notification.name) {
      // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
      case 'heartbeat':
        if (this.#counter) this.#host.reportHealth(this.#counter.id, notification.data);
        return;
      default:
        assertNever(notification.name, 'agent notification');
    }
  }

  async #hello(data: RequestData<'hello'>): Promise<AgentWelcome> {
    if (this.#counter) throw new AppError('conflict', 'already said hello');
    if (data.protocolVersion !== AGENT_PROTOCOL_VERSION) {
      setTimeout(() => this.close(AGENT_CLOSE.unsupportedVersion, 'unsupported protocol version'), 50);
      throw new AppError(
        'unsupported_version',
        `protocol version ${data.protocolVersion} is not supported; this server speaks ${AGENT_PROTOCOL_VERSION}`,
      );
    }
    const counter = this.#host.authenticate(data.counterId, data.token);
    if (!counter) {
      this.#logger.warn({ counterId: data.counterId }, 'agent authentication failed');
      this.emit('refused', data.counterId);
      setTimeout(() => this.close(AGENT_CLOSE.authFailed, 'authentication failed'), 50);
      throw new AppError('unauthenticated', 'unknown counter or wrong token');
    }
    const welcome: AgentWelcome = {
      sessionId: this.id,
      counter: { id: counter.id, departmentId: counter.departmentId, name: counter.name },
      ...this.#host.welcome(),
    };
    const redirect = await this.#host.place(counter, data.avoid ?? []).catch((error: unknown) => {
      setTimeout(() => this.close(AGENT_CLOSE.serverShutdown, 'no media node available'), 50);
      throw error;
    });
    if (this.#closed) throw new AppError('closed', 'connection closed');
    if (redirect) {
      // Answered, not adopted: the agent takes its media (and its queue events) to that node. It
      // closes this socket itself; ours closes it if it lingers.
      this.#logger.info({ counterId: counter.id, node: redirect.node }, 'agent sent on to its media node');
      clearTimeout(this.#helloTimer);
      this.#helloTimer = setTimeout(() => this.close(AGENT_CLOSE.moved, 'redirected'), 5_000);
      return { ...welcome, redirect };
    }
    clearTimeout(this.#helloTimer);
    this.#counter = counter;
    this.#publisher = data.publisher;
    this.#logger = this.#logger.child({ counterId: counter.id });
    this.#logger.info({ publisher: data.publisher, agentVersion: data.agentVersion }, 'agent authenticated');
    this.emit('authenticated', counter);
    return welcome;
  }

  async #publishPlain(counter: Counter, data: RequestData<'publishPlain'>): Promise<unknown> {
    if (this.#publisher !== 'ffmpeg')
      throw new AppError('conflict', 'this agent said it publishes from a browser');
    this.#ingest?.close('unpublished');
    const router = await this.#host.getRouter(counter.departmentId);
    const { ingest, targets } = await CounterIngest.createPlain({
      router,
      counterId: counter.id,
      videoCodec: data.videoCodec,
      keys: data.keys,
      ...this.#host.plainIngest,
      logger: this.#logger,
    });
    if (this.#closed) {
      ingest.close('agent_gone');
      throw new AppError('closed', 'connection closed');
    }
    this.#adoptIngest(ingest);
    return { epoch: this.#epoch ?? 0, targets };
  }

  async #createSendTransport(counter: Counter): Promise<unknown> {
    if (this.#publisher !== 'browser')
      throw new AppError('conflict', 'this agent said it publishes with ffmpeg');
    this.#ingest?.close('unpublished');
    const router = await this.#host.getRouter(counter.departmentId);
    const { ingest, transport } = await CounterIngest.createWebRtc({
      router,
      counterId: counter.id,
      logger: this.#logger,
    });
    if (this.#closed) {
      ingest.close('agent_gone');
      throw new AppError('closed', 'connection closed');
    }
    this.#adoptIngest(ingest);
    return transport;
  }

  #browserIngest(): CounterIngest {
    const ingest = this.#ingest;
    if (!ingest || ingest.publisher !== 'browser' || ingest.closed) {
      throw new AppError('conflict', 'create a send transport first');
    }
    return ingest;
  }

  #adoptIngest(ingest: CounterIngest): void {
    this.#ingest = ingest;
    this.#epoch = this.#host.attachIngest(ingest);
    ingest.once('closed', (reason: IngestCloseReason) => {
      if (this.#ingest === ingest) this.#ingest = undefined;
      // The worker died under us: ask the agent to publish again once we can take it.
      if (reason === 'router_closed' && !this.#closed) {
        this.#logger.warn('media lost with its worker, asking agent to republish');
        this.#peer.notify('republish', { reason: 'worker_died' });
      }
    });
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#helloTimer);
    this.#peer.close();
    this.#ingest?.close('agent_gone');
    this.#ingest = undefined;
    if (this.#counter) this.#logger.info('agent disconnected');
    this.emit('closed');
  }
}
