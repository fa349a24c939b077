import { randomUUID } from 'node:crypto';
import type { types } from 'mediasoup';
import type { WebSocket } from 'ws';
import {
  AppError,
  NODE_CLOSE,
  NODE_PROTOCOL_VERSION,
  assertNever,
  controlToNode,
  nodeToControl,
  type ControlToNode,
  type IncomingRequest,
  type MediaTrack,
  type NodeCounterMedia,
  type NodeCounterStatus,
  type NodeToControl,
  type Peer,
} from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { DepartmentRouter } from '../media/DepartmentRouter.js';
import type { LiveTrack } from '../media/LiveMedia.js';
import { keepAlive, socketPeer } from '../signalling/socketPeer.js';
import { isClusterSecret } from './clusterSecret.js';

/** What the node side of the links needs from its server. */
export interface NodeLinkHost {
  nodeName: string;
  /** The cluster secret, read fresh from the database (see clusterSecret). */
  secret(): Promise<string>;
  counters(): NodeCounterMedia[];
  statuses(): NodeCounterStatus[];
  getRouter(departmentId: string): Promise<DepartmentRouter>;
  lookup(counterId: string, track: MediaTrack): LiveTrack | undefined;
  listenIp: string;
  announcedIp: string;
}

type RequestData<N extends IncomingRequest<ControlToNode>['name']> = Extract<
  IncomingRequest<ControlToNode>,
  { name: N }
>['data'];

const HELLO_TIMEOUT_MS = 10_000;
/** Pipes per link: a department each, with room for every department of a large province. */
const MAX_PIPES = 512;

/**
 * One control process's link to this media node: it hears of every counter publishing here and
 * pipes the tracks its consoles watch. Pipes end with the link.
 */
class NodeLinkConnection {
  readonly id = randomUUID();
  readonly #ws: WebSocket;
  readonly #host: NodeLinkHost;
  readonly #peer: Peer<NodeToControl, ControlToNode>;
  readonly #pipes = new Map<string, { transport: types.PipeTransport; departmentId: string }>();
  #logger: Logger;
  #ready = false;
  #closed = false;
  #helloTimer: ReturnType<typeof setTimeout>;

  constructor(ws: WebSocket, host: NodeLinkHost, logger: Logger, onClosed: () => void) {
    this.#ws = ws;
    this.#host = host;
    this.#logger = logger.child({ linkId: this.id });
    this.#peer = socketPeer<NodeToControl, ControlToNode>(
      ws,
      {
        outgoing: nodeToControl,
        incoming: controlToNode,
        onRequest: (request) => this.#handle(request),
        onNotification: () => undefined,
        maxMessageBytes: 256 * 1024,
      },
      this.#logger,
    );
    keepAlive(ws, 2_000);
    this.#helloTimer = setTimeout(() => this.close(NODE_CLOSE.authFailed, 'no hello'), HELLO_TIMEOUT_MS);
    ws.on('close', () => {
      this.#onClosed();
      onClosed();
    });
  }

  get ready(): boolean {
    return this.#ready;
  }

  notifyMedia(media: NodeCounterMedia): void {
    if (this.#ready) this.#peer.notify('counterMedia', media);
  }

  notifyStatus(status: NodeCounterStatus): void {
    if (this.#ready) this.#peer.notify('counterStatus', status);
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#ws.close(code, reason);
    this.#onClosed();
  }

  async #handle(request: IncomingRequest<ControlToNode>): Promise<unknown> {
    if (request.name === 'hello') return this.#hello(request.data);
    if (!this.#ready) throw new AppError('unauthenticated', 'say hello first');
    switch (request.name) {
      case 'openPipe':
        return this.#openPipe(request.data);
      case 'pipeTrack':
        return this.#pipeTrack(request.data);
      case 'closePipe':
        this.#pipes.get(request.data.pipeId)?.transport.close();
        this.#pipes.delete(request.data.pipeId);
        return {};
      default:
        return assertNever(request, 'node request');
    }
  }

  async #hello(data: RequestData<'hello'>): Promise<unknown> {
    if (this.#ready) throw new AppError('conflict', 'already said hello');
    if (data.protocolVersion !== NODE_PROTOCOL_VERSION) {
      setTimeout(() => this.close(NODE_CLOSE.unsupportedVersion, 'unsupported protocol version'), 50);
      throw new AppError('unsupported_version', `this node speaks ${NODE_PROTOCOL_VERSION}`);
    }
    if (!isClusterSecret(data.secret, await this.#host.secret())) {
      this.#logger.warn('control process refused: wrong cluster secret');
      setTimeout(() => this.close(NODE_CLOSE.authFailed, 'authentication failed'), 50);
      throw new AppError('unauthenticated', 'wrong cluster secret');
    }
    clearTimeout(this.#helloTimer);
    this.#ready = true;
    this.#logger = this.#logger.child({ process: data.process });
    this.#logger.info('control process linked');
    return { node: this.#host.nodeName, counters: this.#host.counters(), statuses: this.#host.statuses() };
  }

  async #openPipe(data: RequestData<'openPipe'>): Promise<unknown> {
    if (this.#pipes.size >= MAX_PIPES) throw new AppError('conflict', 'too many pipes on this link');
    const router = await this.#host.getRouter(data.departmentId);
    const transport = await router.router.createPipeTransport({
      listenInfo: router.plainListenInfo(this.#host.listenIp, this.#host.announcedIp),
      enableSrtp: true,
      appData: { departmentId: data.departmentId, link: this.id },
    });
    try {
      await transport.connect({ ip: data.ip, port: data.port, srtpParameters: data.srtp });
    } catch (error) {
      transport.close();
      throw error;
    }
    if (this.#closed) {
      transport.close();
      throw new AppError('closed', 'link closed');
    }
    this.#pipes.set(transport.id, { transport, departmentId: data.departmentId });
    transport.observer.once('close', () => this.#pipes.delete(transport.id));
    const srtp = transport.srtpParameters;
    if (!srtp) throw new AppError('internal', 'pipe without SRTP parameters');
    return { pipeId: transport.id, ip: this.#host.announcedIp, port: transport.tuple.localPort, srtp };
  }

  async #pipeTrack(data: RequestData<'pipeTrack'>): Promise<unknown> {
    const pipe = this.#pipes.get(data.pipeId);
    if (!pipe) throw new AppError('not_found', `no pipe ${data.pipeId}`);
    const live = this.#host.lookup(data.counterId, data.track);
    if (!live)
      throw new AppError('not_found', `counter ${data.counterId} is not publishing ${data.track} here`);
    if (live.departmentId !== pipe.departmentId)
      throw new AppError('invalid_request', `counter ${data.counterId} is not in this pipe's department`);
    const consumer = await pipe.transport.consume({ producerId: live.producer.id });
    const ended = (): void => {
      if (!consumer.closed) consumer.close();
      this.#peer.notify('pipedClosed', { pipeId: data.pipeId, producerId: live.producer.id });
    };
    consumer.once('producerclose', ended);
    return {
      producerId: live.producer.id,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
      epoch: live.epoch,
    };
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#helloTimer);
    this.#peer.close();
    for (const { transport } of this.#pipes.values()) transport.close();
    this.#pipes.clear();
    if (this.#ready) this.#logger.info('control process unlinked');
  }
}

/**
 * The media node's side of the control processes' links (`/ws/node`): tells each linked control
 * process of every change to the counters publishing here, and serves their pipes.
 */
export class NodeLinkGateway {
  readonly #host: NodeLinkHost;
  readonly #logger: Logger;
  readonly #links = new Set<NodeLinkConnection>();
  #closed = false;

  constructor({ host, logger }: { host: NodeLinkHost; logger: Logger }) {
    this.#host = host;
    this.#logger = logger.child({ module: 'node-links', node: host.nodeName });
  }

  handle(ws: WebSocket): void {
    if (this.#closed) {
      ws.close(NODE_CLOSE.serverShutdown, 'node shutting down');
      return;
    }
    const link = new NodeLinkConnection(ws, this.#host, this.#logger, () => this.#links.delete(link));
    this.#links.add(link);
  }

  broadcastMedia(media: NodeCounterMedia): void {
    for (const link of this.#links) link.notifyMedia(media);
  }

  broadcastStatus(status: NodeCounterStatus): void {
    for (const link of this.#links) link.notifyStatus(status);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const link of this.#links) link.close(NODE_CLOSE.serverShutdown, 'node shutting down');
    this.#links.clear();
  }
}
