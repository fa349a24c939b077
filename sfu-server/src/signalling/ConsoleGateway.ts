import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import {
  CONSOLE_CLOSE,
  type Alert,
  type CounterPatch,
  type DepartmentMetrics,
  type User,
} from '@counterwatch/shared';
import type { SessionService } from '../auth/SessionService.js';
import type { Logger } from '../logger.js';
import { ConsoleConnection, type ConsoleConnectionHost } from './ConsoleConnection.js';

export interface ConsoleGatewayOptions {
  host: ConsoleConnectionHost;
  sessions: SessionService;
  logger: Logger;
  /** How often every connection's session is re-checked (expiry, revocation, disabled user). */
  revalidateIntervalMs?: number;
  /** The viewer's address as audited (behind a trusted proxy, the forwarded one). */
  clientAddress?: (request: IncomingMessage) => string;
  /** Open console sockets allowed per session (browser tabs of one login) and per user. */
  maxSocketsPerSession?: number;
  maxSocketsPerUser?: number;
}

/**
 * All consoles' sockets: authenticates the upgrade by session cookie, fans
 * out live patches filtered by each user's scope, and closes the live views
 * of sessions that end.
 */
export class ConsoleGateway {
  readonly #host: ConsoleConnectionHost;
  readonly #sessions: SessionService;
  readonly #logger: Logger;
  readonly #connections = new Set<ConsoleConnection>();
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #maxPerSession: number;
  readonly #maxPerUser: number;
  readonly #clientAddress: (request: IncomingMessage) => string;
  #closed = false;

  constructor(options: ConsoleGatewayOptions) {
    this.#host = options.host;
    this.#sessions = options.sessions;
    this.#logger = options.logger.child({ module: 'console-gateway' });
    this.#maxPerSession = options.maxSocketsPerSession ?? 8;
    this.#maxPerUser = options.maxSocketsPerUser ?? 16;
    this.#clientAddress = options.clientAddress ?? ((request) => request.socket.remoteAddress ?? 'unknown');
    this.#sessions.on('ended', (sessionHash) => this.#endSession((c) => c.sessionHash === sessionHash));
    this.#timer = setInterval(() => void this.#revalidate(), options.revalidateIntervalMs ?? 5_000);
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Called after the upgrade was authenticated (see `authenticateUpgrade`). */
  handle(ws: WebSocket, request: IncomingMessage, session: { user: User; sessionHash: string }): void {
    if (this.#closed) {
      ws.close(CONSOLE_CLOSE.serverShutdown, 'server shutting down');
      return;
    }
    // Counted synchronously here, after the upgrade: concurrent upgrades cannot overshoot.
    let ofSession = 0;
    let ofUser = 0;
    for (const c of this.#connections) {
      if (c.sessionHash === session.sessionHash) ofSession += 1;
      if (c.user.id === session.user.id) ofUser += 1;
    }
    if (ofSession >= this.#maxPerSession || ofUser >= this.#maxPerUser) {
      const [what, limit] =
        ofSession >= this.#maxPerSession ? ['login', this.#maxPerSession] : ['user', this.#maxPerUser];
      this.#logger.warn({ userId: session.user.id, limit }, 'console socket refused: too many open');
      ws.close(
        CONSOLE_CLOSE.tooManyConnections,
        `too many console connections for this ${what} (at most ${limit}); close another tab`,
      );
      return;
    }
    const connection = new ConsoleConnection({
      ws,
      user: session.user,
      sessionHash: session.sessionHash,
      host: this.#host,
      logger: this.#logger,
      remoteAddress: this.#clientAddress(request),
    });
    this.#connections.add(connection);
    connection.once('closed', () => this.#connections.delete(connection));
  }

  /** Sends each console the patches of the counters its user may watch. */
  broadcastPatches(
    at: number,
    patches: CounterPatch[],
    counterDepartment: (counterId: string) => string | undefined,
  ): void {
    for (const connection of this.#connections) {
      const visible = patches.filter((p) => {
        const departmentId = counterDepartment(p.id);
        return departmentId !== undefined && this.#host.canWatchDepartment(connection.user, departmentId);
      });
      connection.sendPatches(at, visible);
    }
  }

  broadcastDepartments(at: number, departments: DepartmentMetrics[]): void {
    for (const connection of this.#connections) {
      connection.sendDepartments(
        at,
        departments.filter((d) => this.#host.canWatchDepartment(connection.user, d.departmentId)),
      );
    }
  }

  broadcastAlerts(alerts: Alert[]): void {
    for (const connection of this.#connections) {
      connection.sendAlerts(
        alerts.filter((a) => this.#host.canWatchDepartment(connection.user, a.departmentId)),
      );
    }
  }

  /** The directory changed: everyone gets a fresh snapshot. */
  broadcastSnapshot(): void {
    for (const connection of this.#connections) connection.sendSnapshot();
  }

  /**
   * Re-checks the sessions of some connections now (a user's account or a
   * session changed): those no longer valid close, their live views end.
   */
  async revalidate(match: (c: { user: User; sessionHash: string }) => boolean): Promise<void> {
    await Promise.all([...this.#connections].filter(match).map((c) => this.#check(c)));
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const c of [...this.#connections]) c.close(CONSOLE_CLOSE.serverShutdown, 'server shutting down');
  }

  #endSession(match: (c: ConsoleConnection) => boolean): void {
    for (const c of [...this.#connections]) {
      if (match(c)) c.close(CONSOLE_CLOSE.sessionEnded, 'session ended');
    }
  }

  async #revalidate(): Promise<void> {
    for (const c of [...this.#connections]) await this.#check(c);
  }

  async #check(c: ConsoleConnection): Promise<void> {
    try {
      const session = await this.#sessions.resolveHash(c.sessionHash);
      if (!session) c.close(CONSOLE_CLOSE.sessionEnded, 'session expired or revoked');
    } catch (error) {
      this.#logger.error({ err: error }, 'session revalidation failed');
    }
  }
}
