import type { z } from 'zod';
import { TypedEmitter } from '../util/TypedEmitter.js';
import { AppError, RemoteError, describeIssues, type ErrorBody } from './errors.js';
import { FrameSchema, type Frame } from './envelope.js';
import type {
  Direction,
  IncomingNotification,
  IncomingRequest,
  NotificationData,
  NotificationName,
  ProtocolApi,
  RequestData,
  RequestName,
  ResponseData,
} from './define.js';

/** The little a Peer needs from a socket: browser WebSocket and `ws` both fit through an adapter. */
export interface PeerSocket {
  send(text: string): void;
}

export interface PeerOptions<In extends Direction> {
  socket: PeerSocket;
  /** What this side sends: used to validate responses to our requests. */
  outgoing: Direction;
  /** What this side receives: every incoming request and notification is validated against it. */
  incoming: In;
  /** Answers a validated request; throw an AppError to reply with its code. */
  onRequest?: (request: IncomingRequest<In>) => Promise<unknown>;
  /** Receives a validated notification. */
  onNotification?: (notification: IncomingNotification<In>) => void;
  requestTimeoutMs?: number;
  /** Frames larger than this get a `message_too_large` error and are not parsed. */
  maxMessageBytes?: number;
}

export type PeerEvents = {
  /** A frame was refused: the reply already went out; for logs and tests. */
  rejected: [error: ErrorBody];
  /** The remote side sent an `error` frame (it could not handle something we sent). */
  remoteError: [error: ErrorBody];
  /** A request handler failed with something other than an AppError. */
  handlerError: [error: unknown, name: string];
  /** A reply could not be written because the socket is gone. */
  sendFailed: [error: unknown];
};

interface Pending {
  name: string;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * One end of a request/response + notification conversation over a socket.
 * Validates everything it receives, answers malformed frames with an error
 * naming what was wrong, and never throws out of `receive()`.
 */
export class Peer<Out extends Direction, In extends Direction> extends TypedEmitter<PeerEvents> {
  readonly #socket: PeerSocket;
  readonly #outgoing: Direction;
  readonly #incoming: In;
  readonly #onRequest: PeerOptions<In>['onRequest'];
  readonly #onNotification: PeerOptions<In>['onNotification'];
  readonly #timeoutMs: number;
  readonly #maxBytes: number;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  constructor(options: PeerOptions<In>) {
    super();
    this.#socket = options.socket;
    this.#outgoing = options.outgoing;
    this.#incoming = options.incoming;
    this.#onRequest = options.onRequest;
    this.#onNotification = options.onNotification;
    this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#maxBytes = options.maxMessageBytes ?? 256 * 1024;
  }

  get closed(): boolean {
    return this.#closed;
  }

  request<N extends RequestName<Out>>(name: N, data: RequestData<Out, N>): Promise<ResponseData<Out, N>> {
    if (this.#closed) return Promise.reject(new AppError('closed', 'connection closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new AppError('timeout', `request ${name} timed out after ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(id, { name, resolve: resolve as (value: unknown) => void, reject, timer });
      try {
        this.#send({ kind: 'request', id, name, data });
      } catch (error) {
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  notify<N extends NotificationName<Out>>(name: N, data: NotificationData<Out, N>): void {
    if (this.#closed) return;
    this.#send({ kind: 'notification', name, data });
  }

  /** Typed helpers derived from the outgoing direction: `api.requestHello(data)`. */
  api(): ProtocolApi<Out> {
    const api: Record<string, (data: never) => unknown> = {};
    for (const name of Object.keys(this.#outgoing.requests)) {
      api[`request${capitalize(name)}`] = (data) => this.request(name, data);
    }
    for (const name of Object.keys(this.#outgoing.notifications)) {
      api[`notify${capitalize(name)}`] = (data) => this.notify(name, data);
    }
    return api as unknown as ProtocolApi<Out>;
  }

  /** Feed one received text frame. Never throws. */
  receive(text: string): void {
    if (this.#closed) return;
    const oversize = this.#oversize(text);
    if (oversize !== undefined) {
      this.#replyError(undefined, {
        code: 'message_too_large',
        message: `message of ${oversize} bytes exceeds the limit of ${this.#maxBytes}`,
      });
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.#replyError(undefined, { code: 'malformed_json', message: 'message is not valid JSON' });
      return;
    }
    const parsed = FrameSchema.safeParse(raw);
    if (!parsed.success) {
      const id = idOf(raw);
      this.#replyError(id, {
        code: 'invalid_frame',
        message: 'message is not a request, response or notification frame',
        details: { issues: describeIssues(parsed.error) },
      });
      return;
    }
    this.#dispatch(parsed.data);
  }

  /** Tells the other side about a frame that could not be handled (e.g. a binary frame). */
  sendError(error: ErrorBody): void {
    this.#replyError(undefined, error);
  }

  /** Rejects every pending request; further sends are ignored. Runs once. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new AppError('closed', `connection closed before ${pending.name} was answered`));
      this.#pending.delete(id);
    }
  }

  #dispatch(frame: Frame): void {
    switch (frame.kind) {
      case 'request':
        void this.#handleRequest(frame.id, frame.name, frame.data);
        return;
      case 'response':
        this.#handleResponse(frame);
        return;
      case 'notification':
        this.#handleNotification(frame.name, frame.data);
        return;
      case 'error':
        this.emit('remoteError', frame.error);
        return;
      default: {
        const unreachable: never = frame;
        throw new Error(`unhandled frame ${JSON.stringify(unreachable)}`);
      }
    }
  }

  async #handleRequest(id: number, name: string, data: unknown): Promise<void> {
    const spec = Object.hasOwn(this.#incoming.requests, name) ? this.#incoming.requests[name] : undefined;
    if (!spec || !this.#onRequest) {
      this.#replyError(id, { code: 'unknown_message', message: `unknown request "${name}"` });
      return;
    }
    const parsed = spec.data.safeParse(data);
    if (!parsed.success) {
      this.#replyError(id, invalid(`request ${name}`, parsed.error));
      return;
    }
    try {
      const response = await this.#onRequest({ name, data: parsed.data } as IncomingRequest<In>);
      // Our own answers are checked too: a bug here must not reach the other side as garbage.
      const checked = spec.response.safeParse(response);
      if (!checked.success) {
        this.emit(
          'handlerError',
          new Error(`invalid response to ${name}: ${JSON.stringify(describeIssues(checked.error))}`),
          name,
        );
        this.#replyError(id, { code: 'internal', message: 'internal error' }, false);
        return;
      }
      this.#sendIfOpen({ kind: 'response', id, ok: true, data: checked.data });
    } catch (error) {
      if (error instanceof AppError) {
        this.#replyError(id, error.toBody());
      } else {
        this.emit('handlerError', error, name);
        this.#replyError(id, { code: 'internal', message: 'internal error' }, false);
      }
    }
  }

  #handleResponse(frame: Extract<Frame, { kind: 'response' }>): void {
    const pending = this.#pending.get(frame.id);
    if (!pending) return; // late answer to a request that timed out
    this.#pending.delete(frame.id);
    clearTimeout(pending.timer);
    if (!frame.ok) {
      pending.reject(new RemoteError(frame.error));
      return;
    }
    const spec = this.#outgoing.requests[pending.name];
    const parsed = spec ? spec.response.safeParse(frame.data) : undefined;
    if (!parsed?.success) {
      pending.reject(
        new AppError(
          'invalid_message',
          `invalid response to ${pending.name}`,
          parsed && { issues: describeIssues(parsed.error) },
        ),
      );
      return;
    }
    pending.resolve(parsed.data);
  }

  #handleNotification(name: string, data: unknown): void {
    const spec = Object.hasOwn(this.#incoming.notifications, name)
      ? this.#incoming.notifications[name]
      : undefined;
    if (!spec || !this.#onNotification) {
      this.#replyError(undefined, { code: 'unknown_message', message: `unknown notification "${name}"` });
      return;
    }
    const parsed = spec.data.safeParse(data);
    if (!parsed.success) {
      this.#replyError(undefined, invalid(`notification ${name}`, parsed.error));
      return;
    }
    try {
      this.#onNotification({ name, data: parsed.data } as IncomingNotification<In>);
    } catch (error) {
      this.emit('handlerError', error, name);
    }
  }

  #replyError(id: number | undefined, error: ErrorBody, report = true): void {
    if (report) this.emit('rejected', error);
    this.#sendIfOpen(
      id === undefined ? { kind: 'error', error } : { kind: 'response', id, ok: false, error },
    );
  }

  #sendIfOpen(frame: Frame): void {
    if (this.#closed) return;
    try {
      this.#send(frame);
    } catch (error) {
      // The socket went away under us; the owner also learns from its close event.
      this.emit('sendFailed', error);
    }
  }

  /** The frame's size in bytes when it is over the limit, else undefined. */
  #oversize(text: string): number | undefined {
    if (text.length * 3 <= this.#maxBytes) return undefined; // UTF-8 needs at most 3 bytes per UTF-16 unit
    const bytes = new TextEncoder().encode(text).length;
    return bytes > this.#maxBytes ? bytes : undefined;
  }

  #send(frame: Frame): void {
    this.#socket.send(JSON.stringify(frame));
  }
}

function invalid(what: string, error: z.ZodError): ErrorBody {
  const issues = describeIssues(error);
  const first = issues[0];
  return {
    code: 'invalid_message',
    message: `invalid ${what}${first ? `: ${first.path}: ${first.message}` : ''}`,
    details: { issues },
  };
}

function idOf(raw: unknown): number | undefined {
  if (typeof raw === 'object' && raw !== null && 'kind' in raw && raw.kind === 'request' && 'id' in raw) {
    const id = raw.id;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  }
  return undefined;
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
