import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { AGENT_CLOSE, TypedEmitter, type Counter } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import { AgentConnection, type AgentConnectionHost } from './AgentConnection.js';

export type AgentGatewayEvents = {
  agentConnected: [counter: Counter];
  agentGone: [counterId: string];
  /** An agent or publisher offered this counter a token the server refused (possibly no such counter). */
  tokenRefused: [counterId: string];
};

/**
 * All counter agents' sockets. One live connection per counter: a newer
 * authenticated connection supersedes an older one (the agent reconnected
 * before the server noticed the old socket die).
 */
export class AgentGateway extends TypedEmitter<AgentGatewayEvents> {
  readonly #host: AgentConnectionHost;
  readonly #logger: Logger;
  readonly #pending = new Set<AgentConnection>();
  readonly #byCounter = new Map<string, AgentConnection>();
  readonly #clientAddress: (request: IncomingMessage) => string;
  #closed = false;

  constructor({
    host,
    logger,
    clientAddress = (request) => request.socket.remoteAddress ?? 'unknown',
  }: {
    host: AgentConnectionHost;
    logger: Logger;
    /** The agent's address as logged (behind a trusted proxy, the forwarded one). */
    clientAddress?: (request: IncomingMessage) => string;
  }) {
    super();
    this.#host = host;
    this.#clientAddress = clientAddress;
    this.#logger = logger.child({ module: 'agent-gateway' });
  }

  handle(ws: WebSocket, request: IncomingMessage): void {
    if (this.#closed) {
      ws.close(AGENT_CLOSE.serverShutdown, 'server shutting down');
      return;
    }
    const connection = new AgentConnection({
      ws,
      host: this.#host,
      logger: this.#logger,
      remoteAddress: this.#clientAddress(request),
    });
    this.#pending.add(connection);
    connection.on('authenticated', (counter) => {
      this.#pending.delete(connection);
      const previous = this.#byCounter.get(counter.id);
      this.#byCounter.set(counter.id, connection);
      previous?.close(AGENT_CLOSE.superseded, 'superseded by a newer connection');
      this.emit('agentConnected', counter);
    });
    connection.on('refused', (counterId) => this.emit('tokenRefused', counterId));
    connection.once('closed', () => {
      this.#pending.delete(connection);
      const counterId = connection.counter?.id;
      if (counterId !== undefined && this.#byCounter.get(counterId) === connection) {
        this.#byCounter.delete(counterId);
        this.emit('agentGone', counterId);
      }
    });
  }

  /** Agents connected and authenticated now. */
  get connectionCount(): number {
    return this.#byCounter.size;
  }

  isConnected(counterId: string): boolean {
    return this.#byCounter.has(counterId);
  }

  /** Drops a counter's agent, e.g. after its token was revoked or rotated. */
  disconnect(counterId: string, reason: string): void {
    this.#byCounter.get(counterId)?.close(AGENT_CLOSE.revoked, reason);
  }

  /**
   * Sends every agent here to be placed again (this node is draining), one every `spacingMs`, so the
   * nodes taking them over see a trickle of hellos rather than a storm.
   */
  moveAll(spacingMs: number): void {
    const connections = [...this.#byCounter.values()];
    this.#logger.info({ agents: connections.length }, 'moving agents off this node');
    connections.forEach((c, i) => {
      setTimeout(() => {
        if (!this.#closed) c.close(AGENT_CLOSE.moved, 'media node draining');
      }, i * spacingMs).unref();
    });
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const c of [...this.#pending, ...this.#byCounter.values()])
      c.close(AGENT_CLOSE.serverShutdown, 'server shutting down');
  }
}
