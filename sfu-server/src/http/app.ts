import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import express, { type Express, type Router } from 'express';
import { AppError, isConsolePage, type ErrorCode } from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import { errorHandler, notFoundApi } from './errors.js';
import { requireSameOrigin } from './auth.js';

export interface HttpAppOptions {
  allowedOrigins: readonly string[];
  /** Reverse proxies whose X-Forwarded-For is believed (CW_TRUST_PROXY); empty = none. */
  trustProxy: readonly string[];
  consoleDir: string;
  logger: Logger;
  /** Mounted under /api/v1, in order. */
  api: { path: string; router: Router }[];
  /** Mounted at the root before the console (operations: /metrics). */
  root?: { path: string; router: Router }[];
}

export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  // Only a configured proxy's X-Forwarded-For is believed; by default the connecting address is the client.
  app.set('trust proxy', options.trustProxy.length > 0 ? [...options.trustProxy] : false);

  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
    next();
  });

  // A path that does not decode is refused before any router or file lookup tries (and fails) to.
  app.use((req, _res, next) => {
    try {
      decodeURIComponent(req.path);
      next();
    } catch {
      next(new AppError('invalid_request', 'the request path has malformed percent-encoding'));
    }
  });

  const api = express.Router();
  api.use(express.json({ limit: '1mb' }));
  api.use(requireSameOrigin(options.allowedOrigins));
  for (const { path: mount, router } of options.api) api.use(mount, router);
  api.use(notFoundApi);
  app.use('/api/v1', api);
  for (const { path: mount, router } of options.root ?? []) app.use(mount, router);

  const indexHtml = path.join(options.consoleDir, 'index.html');
  if (fs.existsSync(indexHtml)) {
    app.use(express.static(options.consoleDir, { index: false, maxAge: '1h' }));
    app.get(/.*/, (req, res, next) => {
      if (!isConsolePage(req.path)) {
        next();
        return;
      }
      res.setHeader('Cache-Control', 'no-store');
      res.sendFile(indexHtml);
    });
  } else {
    options.logger.warn(
      { consoleDir: options.consoleDir },
      'console build not found; only the API is served',
    );
  }

  // Any other address: a page that says so and leads back, not express's bare "Cannot GET".
  app.use((req, res) => {
    res.status(404).type('html').setHeader('Cache-Control', 'no-store');
    res.send(NOT_FOUND_PAGE);
  });
  app.use(errorHandler(options.logger));
  return app;
}

/** The page of an address that is not the console's nor the API's (the path is not echoed back). */
const NOT_FOUND_PAGE = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Không tìm thấy trang — CounterWatch</title>
<style>body{font-family:system-ui,sans-serif;background:#0d1117;color:#e6edf3;margin:0;display:grid;place-items:center;min-height:100vh}
main{max-width:32rem;padding:2rem}a{color:#58a6ff}p{color:#9da7b3}</style></head>
<body><main><h1>Không tìm thấy trang</h1><p>Địa chỉ này không có trong CounterWatch. (Page not found.)</p>
<p><a href="/">Về màn hình giám sát</a></p></main></body></html>
`;

/** How long a refused connection may keep sending before it is cut (it is read and discarded until then). */
const DRAIN_MS = 5_000;

/**
 * The HTTP server around the app. Requests node cannot parse — a request line
 * or headers over its limit, garbage — get a clear status and a JSON error
 * instead of a dropped socket: the rest of what the client sends is read and
 * discarded, so closing does not reset the connection under its feet.
 */
export function createHttpServer(app: Express, logger: Logger): http.Server {
  const log = logger.child({ module: 'http' });
  const server = http.createServer(app);
  // Idle keep-alive connections: let the client (or the proxy, nginx keeps upstreams 60 s) close first.
  // With node's 5 s a client whose loop ran late sent its next request on a socket the server had just
  // closed ("other side closed"), seen on a loaded machine.
  server.keepAliveTimeout = 65_000;
  const answered = new WeakSet<Duplex>();
  server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex) => {
    if (answered.has(socket)) return; // the parser reports each further chunk again
    answered.add(socket);
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, text, code, message } = clientErrorStatus(error);
    log.info({ code: error.code, status }, 'unparseable request refused');
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    setTimeout(() => socket.destroy(), DRAIN_MS).unref();
  });
  return server;
}

/** The longest request line we tell apart from an overlong header (node's whole header limit is 16 kB). */
const LONGEST_REQUEST_LINE = 8 * 1024;

function clientErrorStatus(error: NodeJS.ErrnoException & { rawPacket?: Buffer }): {
  status: number;
  text: string;
  code: ErrorCode;
  message: string;
} {
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    // The packet the parser choked on starts with the request line when the request began in it.
    const packet = error.rawPacket?.subarray(0, LONGEST_REQUEST_LINE + 2).toString('latin1') ?? '';
    const lineEnd = packet.indexOf('\r\n');
    const startsRequest = /^[A-Z]{3,10} /.test(packet);
    if (startsRequest && lineEnd === -1) {
      return {
        status: 414,
        text: 'URI Too Long',
        code: 'message_too_large',
        message: 'the request URL is too long',
      };
    }
    return {
      status: 431,
      text: 'Request Header Fields Too Large',
      code: 'message_too_large',
      message: 'the request headers are too large',
    };
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT') {
    return {
      status: 408,
      text: 'Request Timeout',
      code: 'timeout',
      message: 'the request took too long to arrive',
    };
  }
  return {
    status: 400,
    text: 'Bad Request',
    code: 'invalid_request',
    message: 'the request is not valid HTTP',
  };
}
