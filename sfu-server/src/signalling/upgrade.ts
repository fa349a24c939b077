import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { AuthenticatedSession } from '../auth/SessionService.js';
import { SESSION_COOKIE, originAllowed, readCookie } from '../http/cookies.js';
import type { Logger } from '../logger.js';

/** Where each WebSocket path leads; the node path exists on media nodes only. */
export interface UpgradeTargets {
  wss: WebSocketServer;
  allowedOrigins: readonly string[];
  session: (cookie: string | undefined) => Promise<AuthenticatedSession | undefined>;
  console: (ws: WebSocket, request: IncomingMessage, session: AuthenticatedSession) => void;
  agent: (ws: WebSocket, request: IncomingMessage) => void;
  node: ((ws: WebSocket) => void) | null;
  logger: Logger;
}

/**
 * The HTTP server's `upgrade` handler: consoles need an allowed Origin and a session before the
 * socket opens; agents and control processes authenticate in their hello (not browsers: no Origin).
 */
export function upgradeHandler(
  targets: UpgradeTargets,
): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { wss } = targets;
  return (request, socket, head) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    const node = targets.node;
    if (pathname === '/ws/node' && node) {
      wss.handleUpgrade(request, socket, head, (ws) => node(ws));
      return;
    }
    if (pathname === '/ws/agent') {
      wss.handleUpgrade(request, socket, head, (ws) => targets.agent(ws, request));
      return;
    }
    if (pathname === '/ws/console') {
      if (!originAllowed(request, targets.allowedOrigins)) {
        refuseUpgrade(socket, 403, 'Forbidden');
        return;
      }
      targets
        .session(readCookie(request, SESSION_COOKIE))
        .then((session) => {
          if (!session) {
            refuseUpgrade(socket, 401, 'Unauthorized');
            return;
          }
          wss.handleUpgrade(request, socket, head, (ws) => targets.console(ws, request, session));
        })
        .catch((error: unknown) => {
          targets.logger.error({ err: error }, 'console upgrade failed');
          refuseUpgrade(socket, 500, 'Internal Server Error');
        });
      return;
    }
    refuseUpgrade(socket, 404, 'Not Found');
  };
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
