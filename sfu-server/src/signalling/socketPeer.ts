import type { WebSocket } from 'ws';
import { Peer, type Direction, type PeerOptions } from '@counterwatch/shared';
import type { Logger } from '../logger.js';

/**
 * Binds a shared-protocol Peer to a `ws` socket: text frames in, error frames
 * for binary ones, pending requests rejected on close, refused frames logged.
 */
export function socketPeer<Out extends Direction, In extends Direction>(
  ws: WebSocket,
  options: Omit<PeerOptions<In>, 'socket'>,
  logger: Logger,
): Peer<Out, In> {
  const peer = new Peer<Out, In>({
    ...options,
    socket: {
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
    },
  });
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      peer.sendError({ code: 'invalid_frame', message: 'binary frames are not accepted; send JSON text' });
      return;
    }
    peer.receive(
      Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(toBuffers(data)).toString('utf8'),
    );
  });
  ws.on('close', () => peer.close());
  // An oversized or broken frame surfaces here (ws then closes with 1009/1002); unhandled, it would kill the process.
  ws.on('error', (error) => logger.warn({ reason: error.message }, 'socket error'));
  peer.on('rejected', (error) => logger.warn({ code: error.code, reason: error.message }, 'message refused'));
  peer.on('remoteError', (error) =>
    logger.warn({ code: error.code, reason: error.message }, 'peer reported an error'),
  );
  peer.on('handlerError', (error, name) =>
    logger.error({ err: error, message: name }, 'request handler failed'),
  );
  peer.on('sendFailed', (error) => logger.debug({ err: error }, 'reply not sent, socket gone'));
  return peer;
}

function toBuffers(data: Buffer | ArrayBuffer | Buffer[]): Buffer[] {
  if (Array.isArray(data)) return data;
  return [Buffer.from(data as ArrayBuffer)];
}

/** Pings every interval; a socket that missed a whole interval is terminated (dead TCP, sleeping laptop). */
export function keepAlive(ws: WebSocket, intervalMs = 15_000): void {
  let alive = true;
  ws.on('pong', () => {
    alive = true;
  });
  const timer = setInterval(() => {
    if (!alive) {
      ws.terminate();
      return;
    }
    alive = false;
    ws.ping();
  }, intervalMs);
  ws.on('close', () => clearInterval(timer));
}
