import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_EVENT_BATCH, QueueEventSchema, describeIssues, type EventResult } from '@counterwatch/shared';
import type { Logger } from 'pino';
import { checkLocalRequest } from './localGuard.js';
import { OutboxFullError, type Outbox } from './Outbox.js';

export interface LocalEventServerOptions {
  outbox: Outbox;
  counterId: string;
  /** The counter's department, once the server told us (cached across restarts). */
  departmentId: () => string | undefined;
  port: number;
  logger: Logger;
  onQueued: () => void;
  /** Web origins allowed to post (CORS); none by default. */
  allowedOrigins?: readonly string[];
  /** A local shared secret the sender must present, if configured. */
  key?: string;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The port the department's queue-number system posts this counter's events
 * to. Loopback only, and only for the queue system: web pages open on the
 * counter PC are kept out (see localGuard). An event is answered `queued`
 * only after it is on disk.
 *
 *   POST /events  body: one event, or { "events": [ … ] }  (Content-Type: application/json)
 *   GET  /health
 */
export class LocalEventServer {
  readonly #options: LocalEventServerOptions;
  readonly #logger: Logger;
  readonly #server: http.Server;

  constructor(options: LocalEventServerOptions) {
    this.#options = options;
    this.#logger = options.logger.child({ module: 'local-events' });
    this.#server = http.createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        this.#logger.error({ err: error }, 'local event request failed');
        send(res, 500, { error: { code: 'internal', message: 'internal error' } });
      });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      // Loopback only: the queue system runs on the counter PC or reaches it through a local proxy.
      this.#server.listen(this.#options.port, '127.0.0.1', () => resolve());
    });
    return (this.#server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const verdict = checkLocalRequest(req.method ?? '', req.headers, {
      allowedOrigins: this.#options.allowedOrigins ?? [],
      key: this.#options.key,
    });
    if (!verdict.ok) {
      this.#logger.warn(
        { status: verdict.status, origin: req.headers.origin, host: req.headers.host },
        'local event request refused',
      );
      req.resume();
      send(res, verdict.status, { error: { code: verdict.code, message: verdict.message } });
      return;
    }
    if (verdict.corsOrigin !== undefined) {
      res.setHeader('access-control-allow-origin', verdict.corsOrigin);
      res.setHeader('vary', 'Origin');
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'OPTIONS') {
      // Only an allowed origin gets here with an Origin header (a preflight).
      res.writeHead(204, {
        'access-control-allow-methods': 'POST, GET',
        'access-control-allow-headers': 'authorization, content-type',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/health') {
      const { outbox } = this.#options;
      send(res, 200, {
        pending: outbox.pending,
        capacity: outbox.capacity,
        full: outbox.full,
        deadLetters: outbox.deadLetters,
      });
      return;
    }
    if (req.method !== 'POST' || url.pathname !== '/events') {
      send(res, 404, { error: { code: 'not_found', message: 'POST /events or GET /health' } });
      return;
    }
    const text = await readBody(req);
    if (text === undefined) {
      send(res, 413, {
        error: { code: 'message_too_large', message: `body exceeds ${MAX_BODY_BYTES} bytes` },
      });
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      send(res, 400, { error: { code: 'malformed_json', message: 'body is not valid JSON' } });
      return;
    }
    const list: unknown[] =
      typeof raw === 'object' && raw !== null && 'events' in raw && Array.isArray(raw.events)
        ? raw.events
        : [raw];
    if (list.length === 0 || list.length > MAX_EVENT_BATCH) {
      send(res, 400, {
        error: { code: 'invalid_request', message: `send between 1 and ${MAX_EVENT_BATCH} events` },
      });
      return;
    }

    const results: EventResult[] = [];
    const accepted: { id: string; body: unknown }[] = [];
    const departmentId = this.#options.departmentId();
    for (const [index, item] of list.entries()) {
      const parsed = QueueEventSchema.safeParse(item);
      if (!parsed.success) {
        const first = describeIssues(parsed.error)[0];
        results.push({
          id: idOf(item) ?? String(index),
          status: 'rejected',
          reason: first ? `${first.path}: ${first.message}` : 'invalid',
        });
        continue;
      }
      const event = parsed.data;
      if (
        'counterId' in event &&
        event.counterId !== undefined &&
        event.counterId !== this.#options.counterId
      ) {
        results.push({
          id: event.id,
          status: 'rejected',
          reason: `this agent relays counter ${this.#options.counterId} only`,
        });
        continue;
      }
      if (departmentId !== undefined && event.departmentId !== departmentId) {
        results.push({
          id: event.id,
          status: 'rejected',
          reason: `counter ${this.#options.counterId} is in department ${departmentId}`,
        });
        continue;
      }
      accepted.push({ id: event.id, body: event });
    }

    try {
      const { queued, duplicate } = this.#options.outbox.enqueue(accepted);
      for (const id of queued) results.push({ id, status: 'accepted' });
      for (const id of duplicate) results.push({ id, status: 'duplicate' });
    } catch (error) {
      if (error instanceof OutboxFullError) {
        this.#logger.error(
          { capacity: error.capacity },
          'OUTBOX FULL: refusing events until the server is reachable',
        );
        send(res, 507, { error: { code: 'outbox_full', message: error.message } });
        return;
      }
      throw error;
    }
    if (accepted.length > 0) this.#options.onQueued();
    const rejected = results.filter((r) => r.status === 'rejected').length;
    send(res, rejected === list.length ? 400 : 202, { results });
  }
}

function idOf(item: unknown): string | undefined {
  return typeof item === 'object' && item !== null && 'id' in item && typeof item.id === 'string'
    ? item.id.slice(0, 100)
    : undefined;
}

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
