import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Readable } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';

/**
 * The reverse proxy in front of several server processes in tests, with the
 * behaviour of the nginx config the README documents: round robin over the
 * upstreams, WebSocket upgrades passed through, and passive health checks —
 * an upstream that refuses a connection is skipped for `downMs` and the
 * request goes to the next (nothing reached the refusing one, so even a POST
 * is safe to pass on, as nginx's `proxy_next_upstream error` does). A request
 * already sent when its upstream dies answers 502: the client retries.
 *
 * http-proxy-3 (a maintained rewrite of http-proxy, with ws support) rather
 * than nginx itself: no system package and no root-owned worker processes in
 * the test, and the test can ask which upstream each console socket is on.
 */
export class Balancer {
  readonly url: string;
  readonly #server: http.Server;
  readonly #proxy: ReturnType<typeof createProxyServer>;
  readonly #upstreams: string[];
  readonly #downUntil: number[];
  readonly #sockets = new Map<Duplex, number>();
  readonly #downMs: number;
  /** Round robin, kept apart for requests and sockets (so sockets spread whatever requests do). */
  readonly #next = { web: 0, ws: 0 };
  /** Requests answered 502 because their upstream died under them. */
  failed = 0;

  private constructor(server: http.Server, upstreams: string[], downMs: number) {
    this.#server = server;
    this.#upstreams = upstreams;
    this.#downUntil = upstreams.map(() => 0);
    this.#downMs = downMs;
    this.#proxy = createProxyServer({ xfwd: true, proxyTimeout: 60_000 });
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async start(port: number, upstreams: string[], { downMs = 5_000 } = {}): Promise<Balancer> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const balancer = new Balancer(server, upstreams, downMs);
    server.on('request', (req, res) => balancer.#web(req, res));
    server.on('upgrade', (req, socket, head) => balancer.#ws(req, socket, head, 0));
    return balancer;
  }

  /** How many open WebSockets go to each upstream (by index). */
  socketsPerUpstream(): number[] {
    const counts = this.#upstreams.map(() => 0);
    for (const index of this.#sockets.values()) counts[index] = (counts[index] ?? 0) + 1;
    return counts;
  }

  #pick(kind: 'web' | 'ws', tried: number): number | undefined {
    const now = Date.now();
    for (let i = 0; i < this.#upstreams.length; i++) {
      const index = (this.#next[kind] + i) % this.#upstreams.length;
      if (tried & (1 << index)) continue;
      if ((this.#downUntil[index] ?? 0) > now) continue;
      this.#next[kind] = index + 1;
      return index;
    }
    // Every upstream is marked down: try one not tried yet anyway (it may be back).
    for (let index = 0; index < this.#upstreams.length; index++) if (!(tried & (1 << index))) return index;
    return undefined;
  }

  #web(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => this.#forward(req, res, Buffer.concat(chunks), 0));
  }

  #forward(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, tried: number): void {
    const index = this.#pick('web', tried);
    const target = index === undefined ? undefined : this.#upstreams[index];
    if (index === undefined || !target) {
      res.writeHead(502).end();
      return;
    }
    this.#proxy.web(req, res, { target, buffer: Readable.from([body]) }, (error) => {
      if (refused(error)) {
        this.#downUntil[index] = Date.now() + this.#downMs;
        if (!res.headersSent) {
          this.#forward(req, res, body, tried | (1 << index));
          return;
        }
      }
      this.failed += 1;
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
  }

  #ws(req: http.IncomingMessage, socket: Duplex, head: Buffer, tried: number): void {
    const index = this.#pick('ws', tried);
    const target = index === undefined ? undefined : this.#upstreams[index];
    if (index === undefined || !target) {
      socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (!this.#sockets.has(socket)) socket.once('close', () => this.#sockets.delete(socket));
    this.#sockets.set(socket, index);
    this.#proxy.ws(req, socket, head, { target }, (error) => {
      if (refused(error)) {
        this.#downUntil[index] = Date.now() + this.#downMs;
        this.#ws(req, socket, head, tried | (1 << index));
        return;
      }
      this.failed += 1;
      socket.destroy();
    });
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets.keys()) socket.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#proxy.close();
  }
}

function refused(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === 'ECONNREFUSED';
}
