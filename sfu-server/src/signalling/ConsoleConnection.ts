import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import {
  AppError,
  CONSOLE_PROTOCOL_VERSION,
  TypedEmitter,
  assertNever,
  consoleToServer,
  serverToConsole,
  type ConsoleToServer,
  type Alert,
  type CounterPatch,
  type DepartmentMetrics,
  type IncomingNotification,
  type IncomingRequest,
  type Peer,
  type ServerToConsole,
  type Snapshot,
  type User,
} from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import { ViewerSession, type ViewerConsumerInfo, type ViewerSessionOptions } from '../media/ViewerSession.js';
import { keepAlive, socketPeer } from './socketPeer.js';

/** What a console connection needs from the server, supplied by its gateway. */
export interface ConsoleConnectionHost {
  snapshot(user: User): Snapshot;
  /** The counter's department, if the counter exists and the user may watch it. */
  watchableCounter(user: User, counterId: string): { departmentId: string } | undefined;
  canWatchDepartment(user: User, departmentId: string): boolean;
  rtpCapabilities(): Record<string, unknown>;
  viewer: Omit<ViewerSessionOptions, 'logger'>;
  /** Puts a live view or audio listen on record before it starts; throwing refuses it. */
  viewStarted(user: User, info: ViewerConsumerInfo, from: string): Promise<void>;
  /** Puts its end on record. */
  viewStopped(user: User, info: ViewerConsumerInfo, from: string): void;
}

export type ConsoleConnectionEvents = {
  closed: [];
};

/**
 * One console's socket: snapshot on hello, live patches, and the media
 * requests of its viewer session, each authorised against the user's scope.
 */
export class ConsoleConnection extends TypedEmitter<ConsoleConnectionEvents> {
  readonly id = randomUUID();
  readonly user: User;
  readonly sessionHash: string;
  readonly #ws: WebSocket;
  readonly #host: ConsoleConnectionHost;
  readonly #logger: Logger;
  readonly #peer: Peer<ServerToConsole, ConsoleToServer>;
  readonly #viewer: ViewerSession;
  readonly #remoteAddress: string;
  readonly #onRecord = new Set<string>();
  #ready = false;
  #closed = false;

  constructor(options: {
    ws: WebSocket;
    user: User;
    sessionHash: string;
    host: ConsoleConnectionHost;
    logger: Logger;
    remoteAddress: string;
  }) {
    super();
    this.#ws = options.ws;
    this.user = options.user;
    this.sessionHash = options.sessionHash;
    this.#host = options.host;
    this.#remoteAddress = options.remoteAddress;
    this.#logger = options.logger.child({ connectionId: this.id, userId: options.user.id });
    this.#peer = socketPeer<ServerToConsole, ConsoleToServer>(
      options.ws,
      {
        outgoing: serverToConsole,
        incoming: consoleToServer,
        onRequest: (request) => this.#handleRequest(request),
        onNotification: (notification) => this.#handleNotification(notification),
        maxMessageBytes: 64 * 1024,
      },
      this.#logger,
    );
    this.#viewer = new ViewerSession({ ...options.host.viewer, logger: this.#logger });
    this.#viewer.on('consumerClosed', (info, reason) => {
      if (this.#onRecord.delete(info.consumerId))
        this.#host.viewStopped(this.user, info, this.#remoteAddress);
      if (reason !== 'client_closed' && reason !== 'session_ended') {
        this.#peer.notify('consumerClosed', { consumerId: info.consumerId, reason });
      }
    });
    this.#viewer.on('transportClosed', (transportId, reason) => {
      if (reason !== 'client_closed' && reason !== 'session_ended') {
        this.#peer.notify('transportClosed', { transportId, reason });
      }
    });
    keepAlive(options.ws);
    options.ws.on('close', () => this.#onClosed());
    this.#logger.info('console connected');
  }

  /** Live changes for counters this user may watch (the gateway filtered them). */
  sendPatches(at: number, counters: CounterPatch[]): void {
    if (!this.#ready || counters.length === 0) return;
    this.#peer.notify('countersPatch', { at, counters });
  }

  sendDepartments(at: number, departments: DepartmentMetrics[]): void {
    if (!this.#ready || departments.length === 0) return;
    this.#peer.notify('departmentsPatch', { at, departments });
  }

  sendAlerts(alerts: Alert[]): void {
    if (!this.#ready || alerts.length === 0) return;
    this.#peer.notify('alertsChanged', { alerts });
  }

  sendSnapshot(): void {
    if (!this.#ready) return;
    this.#peer.notify('snapshot', this.#host.snapshot(this.user));
  }

  /** Stops every consumer of counters the user may no longer watch. */
  revalidateViews(): void {
    this.#viewer.closeConsumersWhere(
      (info) => this.#host.watchableCounter(this.user, info.counterId) === undefined,
      'session_ended',
    );
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#ws.close(code, reason);
    this.#onClosed();
  }

  async #handleRequest(request: IncomingRequest<ConsoleToServer>): Promise<unknown> {
    if (request.name !== 'hello' && !this.#ready) throw new AppError('unauthenticated', 'say hello first');
    switch (request.name) {
      case 'hello':
        if (request.data.protocolVersion !== CONSOLE_PROTOCOL_VERSION) {
          throw new AppError(
            'unsupported_version',
            `protocol version ${request.data.protocolVersion} is not supported; reload the page`,
          );
        }
        this.#ready = true;
        return this.#host.snapshot(this.user);
      case 'routerCapabilities':
        return { rtpCapabilities: this.#host.rtpCapabilities() };
      case 'createTransport':
        if (!this.#host.canWatchDepartment(this.user, request.data.departmentId)) {
          throw new AppError('not_found', `no department ${request.data.departmentId}`);
        }
        return this.#viewer.createTransport(request.data.departmentId);
      case 'connectTransport':
        await this.#viewer.connectTransport(request.data.transportId, request.data.dtlsParameters);
        return {};
      case 'closeTransport':
        this.#viewer.closeTransport(request.data.transportId);
        return {};
      case 'consume': {
        // Unknown and out-of-scope counters get the same answer: no hint that it exists.
        if (!this.#host.watchableCounter(this.user, request.data.counterId)) {
          throw new AppError('not_found', `no counter ${request.data.counterId}`);
        }
        const result = await this.#viewer.consume({
          transportId: request.data.transportId,
          counterId: request.data.counterId,
          track: request.data.track,
          rtpCapabilities: request.data.rtpCapabilities,
        });
        const info = this.#viewer.consumers().find((c) => c.consumerId === result.consumerId);
        try {
          if (!info) throw new AppError('closed', 'the consumer closed at once');
          await this.#host.viewStarted(this.user, info, this.#remoteAddress);
          this.#onRecord.add(result.consumerId);
        } catch (error) {
          // Not on record, not shown: the view is refused.
          if (info) this.#viewer.closeConsumer(result.consumerId);
          throw error;
        }
        return result;
      }
      case 'resumeConsumer':
        await this.#viewer.resumeConsumer(request.data.consumerId);
        return {};
      case 'pauseConsumer':
        await this.#viewer.pauseConsumer(request.data.consumerId);
        return {};
      case 'closeConsumer':
        this.#viewer.closeConsumer(request.data.consumerId);
        return {};
      default:
        return assertNever(request, 'console request');
    }
  }

  #handleNotification(notification: IncomingNotification<ConsoleToServer>): void {
    // The console sends no notifications today; the union is empty.
    assertNever(notification, 'console notification');
  }

  #onClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#peer.close();
    this.#viewer.close('session_ended');
    this.#logger.info('console disconnected');
    this.emit('closed');
  }
}
