import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { notification, request, type Direction, type IncomingRequest } from './define.js';
import { AppError, RemoteError, type ErrorBody } from './errors.js';
import { Peer } from './Peer.js';

/** A small protocol of our own, so the tests do not depend on the real ones changing. */
const clientToServer = {
  requests: {
    add: request(z.object({ a: z.number().int(), b: z.number().int() }), z.object({ sum: z.number() })),
    echo: request(
      z.object({ text: z.string().trim().max(10), nested: z.object({ n: z.number() }).optional() }),
      z.object({ text: z.string() }),
    ),
  },
  notifications: {
    ping: notification(z.object({ n: z.number().int() })),
  },
} as const satisfies Direction;

const serverToClient = {
  requests: {},
  notifications: {
    tick: notification(z.object({ at: z.number() })),
  },
} as const satisfies Direction;

type C2S = typeof clientToServer;
type S2C = typeof serverToClient;

type Handler = (request: IncomingRequest<C2S>) => Promise<unknown>;

const defaultHandler: Handler = async (req) => {
  switch (req.name) {
    case 'add':
      return { sum: req.data.a + req.data.b };
    case 'echo':
      return { text: req.data.text };
  }
};

/** Two peers wired back to back; each send is delivered on a microtask, like a real socket. */
function connectedPair(
  options: { onRequest?: Handler; onNotification?: (n: unknown) => void; onTick?: (n: unknown) => void } = {},
) {
  let server: Peer<S2C, C2S> | undefined = undefined;
  const client: Peer<C2S, S2C> = new Peer<C2S, S2C>({
    socket: {
      send: (text) => {
        queueMicrotask(() => server?.receive(text));
      },
    },
    outgoing: clientToServer,
    incoming: serverToClient,
    onNotification: options.onTick,
  });
  server = new Peer<S2C, C2S>({
    socket: {
      send: (text) => {
        queueMicrotask(() => {
          client.receive(text);
        });
      },
    },
    outgoing: serverToClient,
    incoming: clientToServer,
    onRequest: options.onRequest ?? defaultHandler,
    onNotification: options.onNotification,
  });
  return { client, server };
}

/** A server-side peer whose socket records every frame it sends, for poking at with raw text. */
function recordingServer(
  options: {
    onRequest?: Handler;
    onNotification?: (n: unknown) => void;
    maxMessageBytes?: number;
  } = {},
) {
  const frames: unknown[] = [];
  const peer = new Peer<S2C, C2S>({
    socket: { send: (text) => frames.push(JSON.parse(text)) },
    outgoing: serverToClient,
    incoming: clientToServer,
    onRequest: 'onRequest' in options ? options.onRequest : defaultHandler,
    onNotification: options.onNotification,
    maxMessageBytes: options.maxMessageBytes,
  });
  const rejected: ErrorBody[] = [];
  peer.on('rejected', (error) => rejected.push(error));
  return { peer, frames, rejected };
}

/** A client-side peer whose requests go nowhere, so the test answers them by hand. */
function recordingClient(requestTimeoutMs?: number) {
  const frames: unknown[] = [];
  const peer = new Peer<C2S, S2C>({
    socket: { send: (text) => frames.push(JSON.parse(text)) },
    outgoing: clientToServer,
    incoming: serverToClient,
    requestTimeoutMs,
  });
  return { peer, frames };
}

/** Waits until the frames queued by async handlers have been written. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

const requestFrame = (id: number, name: string, data: unknown): string =>
  JSON.stringify({ kind: 'request', id, name, data });

afterEach(() => {
  vi.useRealTimers();
});

describe('Peer request/response round trip', () => {
  it('answers a request with the handler result', async () => {
    const { client } = connectedPair();
    await expect(client.request('add', { a: 2, b: 40 })).resolves.toEqual({ sum: 42 });
  });

  it('hands the handler the parsed (transformed) data', async () => {
    const seen: unknown[] = [];
    const { client } = connectedPair({
      onRequest: async (req) => {
        seen.push(req.data);
        return defaultHandler(req);
      },
    });
    await expect(client.request('echo', { text: '  hi  ' })).resolves.toEqual({ text: 'hi' });
    expect(seen).toEqual([{ text: 'hi' }]);
  });

  it('matches concurrent responses to their requests by id', async () => {
    const { client } = connectedPair({
      onRequest: async (req) => {
        if (req.name !== 'add') return { text: 'x' };
        // Answer the first request last.
        await new Promise((resolve) => setTimeout(resolve, req.data.a === 1 ? 20 : 0));
        return { sum: req.data.a + req.data.b };
      },
    });
    const results = await Promise.all([
      client.request('add', { a: 1, b: 1 }),
      client.request('add', { a: 2, b: 2 }),
      client.request('add', { a: 3, b: 3 }),
    ]);
    expect(results).toEqual([{ sum: 2 }, { sum: 4 }, { sum: 6 }]);
  });

  it('numbers requests 1, 2, 3…', () => {
    const { peer, frames } = recordingClient();
    void peer.request('add', { a: 1, b: 2 }).catch(() => undefined);
    void peer.request('echo', { text: 'a' }).catch(() => undefined);
    expect(frames).toEqual([
      { kind: 'request', id: 1, name: 'add', data: { a: 1, b: 2 } },
      { kind: 'request', id: 2, name: 'echo', data: { text: 'a' } },
    ]);
    peer.close();
  });

  it('delivers validated notifications both ways', async () => {
    const pings: unknown[] = [];
    const ticks: unknown[] = [];
    const { client, server } = connectedPair({
      onNotification: (n) => pings.push(n),
      onTick: (n) => ticks.push(n),
    });
    client.notify('ping', { n: 3 });
    server.notify('tick', { at: 99 });
    await settle();
    expect(pings).toEqual([{ name: 'ping', data: { n: 3 } }]);
    expect(ticks).toEqual([{ name: 'tick', data: { at: 99 } }]);
  });
});

describe('Peer incoming request validation', () => {
  it('answers an unknown request name with unknown_message and the same id', async () => {
    const { peer, frames, rejected } = recordingServer();
    peer.receive(requestFrame(7, 'nope', {}));
    await settle();
    expect(frames).toEqual([
      {
        kind: 'response',
        id: 7,
        ok: false,
        error: { code: 'unknown_message', message: 'unknown request "nope"' },
      },
    ]);
    expect(rejected.map((e) => e.code)).toEqual(['unknown_message']);
  });

  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])(
    'does not treat the inherited property %s as a request',
    async (name) => {
      const { peer, frames } = recordingServer();
      peer.receive(requestFrame(1, name, {}));
      await settle();
      expect(frames).toMatchObject([
        { kind: 'response', id: 1, ok: false, error: { code: 'unknown_message' } },
      ]);
    },
  );

  it('answers unknown_message when the side has no request handler', async () => {
    const { peer, frames } = recordingServer({ onRequest: undefined });
    peer.receive(requestFrame(3, 'add', { a: 1, b: 2 }));
    await settle();
    expect(frames).toMatchObject([
      { kind: 'response', id: 3, ok: false, error: { code: 'unknown_message' } },
    ]);
  });

  it('answers invalid data with invalid_message naming the path', async () => {
    const handler = vi.fn(defaultHandler);
    const { peer, frames, rejected } = recordingServer({ onRequest: handler });
    peer.receive(requestFrame(4, 'echo', { text: 'ok', nested: { n: 'not a number' } }));
    await settle();
    expect(handler).not.toHaveBeenCalled();
    expect(frames).toHaveLength(1);
    const frame = frames[0] as { id: number; ok: boolean; error: ErrorBody };
    expect(frame.id).toBe(4);
    expect(frame.ok).toBe(false);
    expect(frame.error.code).toBe('invalid_message');
    expect(frame.error.message).toMatch(/^invalid request echo: nested\.n: /);
    expect(frame.error.details).toEqual({
      issues: [{ path: 'nested.n', message: expect.any(String) as unknown }],
    });
    expect(rejected).toEqual([frame.error]);
  });

  it('lists every issue of invalid data', async () => {
    const { peer, frames } = recordingServer();
    peer.receive(requestFrame(5, 'add', { a: 1.5 }));
    await settle();
    const error = (frames[0] as { error: ErrorBody }).error;
    const issues = (error.details as { issues: { path: string }[] }).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['a', 'b']);
  });

  it('names the root when the data is not an object at all', async () => {
    const { peer, frames } = recordingServer();
    peer.receive(requestFrame(6, 'add', 'nope'));
    await settle();
    const error = (frames[0] as { error: ErrorBody }).error;
    expect(error.details).toEqual({ issues: [{ path: '(root)', message: expect.any(String) as unknown }] });
  });
});

describe('Peer malformed frames', () => {
  it('answers text that is not JSON with an error frame malformed_json', () => {
    const { peer, frames, rejected } = recordingServer();
    peer.receive('{"kind":"request",');
    expect(frames).toEqual([
      { kind: 'error', error: { code: 'malformed_json', message: 'message is not valid JSON' } },
    ]);
    expect(rejected.map((e) => e.code)).toEqual(['malformed_json']);
  });

  it.each([
    ['an array', '[1,2,3]'],
    ['null', 'null'],
    ['a number', '42'],
    ['an unknown kind', '{"kind":"bogus","id":1}'],
    ['a request with a negative id', '{"kind":"request","id":-1,"name":"add","data":{}}'],
    ['a request with a fractional id', '{"kind":"request","id":1.5,"name":"add","data":{}}'],
    ['a request with a string id', '{"kind":"request","id":"1","name":"add","data":{}}'],
    ['a response without ok', '{"kind":"response","id":1,"data":{}}'],
  ])('answers %s with an error frame invalid_frame', (_what, text) => {
    const { peer, frames } = recordingServer();
    peer.receive(text);
    expect(frames).toHaveLength(1);
    expect(frames[0]).toMatchObject({
      kind: 'error',
      error: {
        code: 'invalid_frame',
        message: 'message is not a request, response or notification frame',
        details: { issues: expect.any(Array) as unknown },
      },
    });
  });

  it('echoes the id of a broken request frame so the sender can fail that request', () => {
    const { peer, frames } = recordingServer();
    peer.receive('{"kind":"request","id":12,"data":{}}'); // no name
    expect(frames).toMatchObject([{ kind: 'response', id: 12, ok: false, error: { code: 'invalid_frame' } }]);
  });

  it('rejects an over-long message name as an invalid frame', () => {
    const { peer, frames } = recordingServer();
    peer.receive(requestFrame(2, 'x'.repeat(65), {}));
    expect(frames).toMatchObject([{ kind: 'response', id: 2, ok: false, error: { code: 'invalid_frame' } }]);
  });

  it('sendError sends an error frame without a request id', () => {
    const { peer, frames, rejected } = recordingServer();
    peer.sendError({ code: 'invalid_frame', message: 'binary frames are not accepted' });
    expect(frames).toEqual([
      { kind: 'error', error: { code: 'invalid_frame', message: 'binary frames are not accepted' } },
    ]);
    expect(rejected).toHaveLength(1);
  });

  it('emits remoteError for an error frame from the other side', () => {
    const { peer, frames } = recordingServer();
    const remote = vi.fn();
    peer.on('remoteError', remote);
    peer.receive(JSON.stringify({ kind: 'error', error: { code: 'malformed_json', message: 'bad' } }));
    expect(remote).toHaveBeenCalledExactlyOnceWith({ code: 'malformed_json', message: 'bad' });
    // Never answer an error with an error: that could ping-pong forever.
    expect(frames).toEqual([]);
  });
});

describe('Peer message size limit', () => {
  const LIMIT = 120;

  /** A notification frame padded with `char` to exactly `bytes` UTF-8 bytes. */
  function frameOfBytes(bytes: number, char: string): string {
    const encoder = new TextEncoder();
    const make = (pad: string) => JSON.stringify({ kind: 'notification', name: 'ping', data: { n: 1, pad } });
    let pad = '';
    while (encoder.encode(make(pad + char)).length <= bytes) pad += char;
    // Top up with ASCII to hit the byte count exactly.
    while (encoder.encode(make(pad)).length < bytes) pad += 'a';
    const text = make(pad);
    expect(encoder.encode(text).length).toBe(bytes);
    return text;
  }

  it.each([
    ['ASCII', 'a'],
    ['2-byte é', 'é'],
    ['3-byte €', '€'],
    ['4-byte emoji', '😀'],
  ])('accepts a %s frame of exactly the limit and refuses one byte more', (_what, char) => {
    const pings: unknown[] = [];
    const { peer, frames } = recordingServer({
      maxMessageBytes: LIMIT,
      onNotification: (n) => pings.push(n),
    });

    peer.receive(frameOfBytes(LIMIT, char));
    expect(frames).toEqual([]);
    expect(pings).toHaveLength(1);

    peer.receive(frameOfBytes(LIMIT + 1, char));
    expect(pings).toHaveLength(1);
    expect(frames).toEqual([
      {
        kind: 'error',
        error: {
          code: 'message_too_large',
          message: `message of ${LIMIT + 1} bytes exceeds the limit of ${LIMIT}`,
        },
      },
    ]);
  });

  it('counts bytes, not UTF-16 units: 41 × "€" is 123 bytes although only 41 characters', () => {
    const { peer, frames } = recordingServer({ maxMessageBytes: LIMIT });
    peer.receive('€'.repeat(41));
    expect(frames).toMatchObject([{ kind: 'error', error: { code: 'message_too_large' } }]);
    expect((frames[0] as { error: ErrorBody }).error.message).toContain('123 bytes');
  });

  it('does not even parse an oversized frame', () => {
    const { peer, frames } = recordingServer({ maxMessageBytes: LIMIT });
    peer.receive(`{${'x'.repeat(200)}`); // also malformed JSON: size is checked first
    expect(frames).toMatchObject([{ kind: 'error', error: { code: 'message_too_large' } }]);
  });
});

describe('Peer request handler failures', () => {
  it('replies with the code, message and details of a thrown AppError', async () => {
    const { client, server } = connectedPair({
      onRequest: async () => {
        throw new AppError('forbidden', 'not your department', { departmentId: 'd1' });
      },
    });
    const rejected = vi.fn();
    server.on('rejected', rejected);
    const error: unknown = await client.request('add', { a: 1, b: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({
      code: 'forbidden',
      message: 'not your department',
      details: { departmentId: 'd1' },
    });
    expect(rejected).toHaveBeenCalledWith({
      code: 'forbidden',
      message: 'not your department',
      details: { departmentId: 'd1' },
    });
  });

  it('hides a plain Error behind internal and reports it as handlerError', async () => {
    const boom = new Error('database password is hunter2');
    const { client, server } = connectedPair({
      onRequest: async () => {
        throw boom;
      },
    });
    const handlerError = vi.fn();
    const rejected = vi.fn();
    server.on('handlerError', handlerError).on('rejected', rejected);
    const error: unknown = await client.request('echo', { text: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ code: 'internal', message: 'internal error' });
    expect(handlerError).toHaveBeenCalledExactlyOnceWith(boom, 'echo');
    expect(rejected).not.toHaveBeenCalled();
  });

  it('turns a handler answer that breaks the response schema into internal', async () => {
    const { client, server } = connectedPair({ onRequest: async () => ({ sum: 'forty-two' }) });
    const handlerError = vi.fn();
    server.on('handlerError', handlerError);
    await expect(client.request('add', { a: 1, b: 2 })).rejects.toMatchObject({
      name: 'RemoteError',
      code: 'internal',
    });
    expect(handlerError).toHaveBeenCalledTimes(1);
    const [error, name] = handlerError.mock.calls[0] as [Error, string];
    expect(name).toBe('add');
    expect(error.message).toContain('invalid response to add');
    expect(error.message).toContain('sum');
  });

  it('emits sendFailed when the socket throws while replying', async () => {
    const peer = new Peer<S2C, C2S>({
      socket: {
        send: () => {
          throw new Error('socket gone');
        },
      },
      outgoing: serverToClient,
      incoming: clientToServer,
      onRequest: defaultHandler,
    });
    const sendFailed = vi.fn();
    peer.on('sendFailed', sendFailed);
    expect(() => peer.receive(requestFrame(1, 'add', { a: 1, b: 1 }))).not.toThrow();
    await settle();
    expect(sendFailed).toHaveBeenCalledTimes(1);
    expect((sendFailed.mock.calls[0] as [Error])[0].message).toBe('socket gone');
  });
});

describe('Peer response handling on the requesting side', () => {
  it('rejects a response that breaks the response schema with invalid_message', async () => {
    const { peer } = recordingClient();
    const pending = peer.request('add', { a: 1, b: 2 });
    peer.receive(JSON.stringify({ kind: 'response', id: 1, ok: true, data: { sum: 'x' } }));
    const error: unknown = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'invalid_message',
      message: 'invalid response to add',
      details: { issues: [{ path: 'sum' }] },
    });
  });

  it('resolves with the parsed response (unknown keys stripped)', async () => {
    const { peer } = recordingClient();
    const pending = peer.request('add', { a: 1, b: 2 });
    peer.receive(JSON.stringify({ kind: 'response', id: 1, ok: true, data: { sum: 3, extra: true } }));
    await expect(pending).resolves.toEqual({ sum: 3 });
  });

  it('rejects with a RemoteError for an error response', async () => {
    const { peer } = recordingClient();
    const pending = peer.request('echo', { text: 'x' });
    peer.receive(
      JSON.stringify({ kind: 'response', id: 1, ok: false, error: { code: 'not_found', message: 'gone' } }),
    );
    await expect(pending).rejects.toMatchObject({ name: 'RemoteError', code: 'not_found', message: 'gone' });
  });

  it('ignores a response to an unknown id', () => {
    const { peer, frames } = recordingClient();
    expect(() => {
      peer.receive(JSON.stringify({ kind: 'response', id: 99, ok: true, data: {} }));
    }).not.toThrow();
    expect(frames).toEqual([]);
  });

  it('rejects when the socket throws while sending the request', async () => {
    const peer = new Peer<C2S, S2C>({
      socket: {
        send: () => {
          throw new Error('not open');
        },
      },
      outgoing: clientToServer,
      incoming: serverToClient,
    });
    await expect(peer.request('add', { a: 1, b: 1 })).rejects.toThrow('not open');
  });
});

describe('Peer timeouts', () => {
  it('rejects with timeout after requestTimeoutMs and ignores the late answer', async () => {
    vi.useFakeTimers();
    const { peer } = recordingClient(1000);
    const pending = peer.request('add', { a: 1, b: 2 });
    const outcome = pending.then(
      () => 'resolved',
      (e: unknown) => e,
    );
    await vi.advanceTimersByTimeAsync(999);
    let settled = false;
    void outcome.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await outcome;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'timeout', message: 'request add timed out after 1000 ms' });
    // The late answer finds nothing pending.
    expect(() => {
      peer.receive(JSON.stringify({ kind: 'response', id: 1, ok: true, data: { sum: 3 } }));
    }).not.toThrow();
  });

  it('defaults to a 10 s timeout', async () => {
    vi.useFakeTimers();
    const { peer } = recordingClient();
    const outcome = peer.request('add', { a: 1, b: 2 }).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(9_999);
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(outcome).resolves.toMatchObject({ code: 'timeout' });
  });

  it('clears the timer once answered', async () => {
    vi.useFakeTimers();
    const { peer } = recordingClient(1000);
    const pending = peer.request('add', { a: 1, b: 2 });
    peer.receive(JSON.stringify({ kind: 'response', id: 1, ok: true, data: { sum: 3 } }));
    await expect(pending).resolves.toEqual({ sum: 3 });
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('Peer close', () => {
  it('rejects pending requests with closed and clears their timers', async () => {
    vi.useFakeTimers();
    const { peer } = recordingClient(1000);
    const first = peer.request('add', { a: 1, b: 2 }).catch((e: unknown) => e);
    const second = peer.request('echo', { text: 'x' }).catch((e: unknown) => e);
    peer.close();
    expect(peer.closed).toBe(true);
    await expect(first).resolves.toMatchObject({
      code: 'closed',
      message: 'connection closed before add was answered',
    });
    await expect(second).resolves.toMatchObject({ code: 'closed' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('makes later requests reject and notifications and frames be ignored', async () => {
    const onNotification = vi.fn();
    const frames: unknown[] = [];
    const peer = new Peer<C2S, C2S>({
      socket: { send: (text) => frames.push(JSON.parse(text)) },
      outgoing: clientToServer,
      incoming: clientToServer,
      onRequest: defaultHandler,
      onNotification,
    });
    peer.close();
    peer.close(); // idempotent
    await expect(peer.request('add', { a: 1, b: 1 })).rejects.toMatchObject({
      name: 'AppError',
      code: 'closed',
    });
    peer.notify('ping', { n: 1 });
    peer.receive(JSON.stringify({ kind: 'notification', name: 'ping', data: { n: 1 } }));
    peer.receive('not json');
    peer.receive(requestFrame(1, 'add', { a: 1, b: 1 }));
    await settle();
    expect(frames).toEqual([]);
    expect(onNotification).not.toHaveBeenCalled();
  });

  it('does not send the answer of a handler that finishes after close', async () => {
    let finish: (value: unknown) => void = () => undefined;
    const { peer, frames } = recordingServer({
      onRequest: () =>
        new Promise((resolve) => {
          finish = resolve;
        }),
    });
    peer.receive(requestFrame(1, 'add', { a: 1, b: 1 }));
    await settle();
    peer.close();
    finish({ sum: 2 });
    await settle();
    expect(frames).toEqual([]);
  });
});

describe('Peer api()', () => {
  it('has a requestX for every outgoing request and a notifyY for every notification', () => {
    const { client, server } = connectedPair();
    expect(Object.keys(client.api()).sort()).toEqual(['notifyPing', 'requestAdd', 'requestEcho']);
    expect(Object.keys(server.api())).toEqual(['notifyTick']);
  });

  it('the helpers send the matching messages', async () => {
    const pings: unknown[] = [];
    const { client } = connectedPair({ onNotification: (n) => pings.push(n) });
    const api = client.api();
    await expect(api.requestAdd({ a: 20, b: 22 })).resolves.toEqual({ sum: 42 });
    await expect(api.requestEcho({ text: 'hey' })).resolves.toEqual({ text: 'hey' });
    api.notifyPing({ n: 5 });
    await settle();
    expect(pings).toEqual([{ name: 'ping', data: { n: 5 } }]);
  });
});

describe('Peer incoming notifications', () => {
  it('answers an invalid notification with an error frame invalid_message naming the path', () => {
    const onNotification = vi.fn();
    const { peer, frames } = recordingServer({ onNotification });
    peer.receive(JSON.stringify({ kind: 'notification', name: 'ping', data: { n: 'one' } }));
    expect(onNotification).not.toHaveBeenCalled();
    expect(frames).toMatchObject([
      {
        kind: 'error',
        error: { code: 'invalid_message', details: { issues: [{ path: 'n' }] } },
      },
    ]);
    expect((frames[0] as { error: ErrorBody }).error.message).toMatch(/^invalid notification ping: n: /);
  });

  it('answers an unknown notification with unknown_message', () => {
    const onNotification = vi.fn();
    const { peer, frames } = recordingServer({ onNotification });
    peer.receive(JSON.stringify({ kind: 'notification', name: 'tick', data: { at: 1 } }));
    expect(onNotification).not.toHaveBeenCalled();
    expect(frames).toEqual([
      { kind: 'error', error: { code: 'unknown_message', message: 'unknown notification "tick"' } },
    ]);
  });

  it('answers unknown_message when the side has no notification handler', () => {
    const { peer, frames } = recordingServer();
    peer.receive(JSON.stringify({ kind: 'notification', name: 'ping', data: { n: 1 } }));
    expect(frames).toMatchObject([{ kind: 'error', error: { code: 'unknown_message' } }]);
  });

  it('reports a throwing notification handler as handlerError and sends nothing back', () => {
    const boom = new Error('listener bug');
    const { peer, frames } = recordingServer({
      onNotification: () => {
        throw boom;
      },
    });
    const handlerError = vi.fn();
    peer.on('handlerError', handlerError);
    expect(() => {
      peer.receive(JSON.stringify({ kind: 'notification', name: 'ping', data: { n: 1 } }));
    }).not.toThrow();
    expect(handlerError).toHaveBeenCalledExactlyOnceWith(boom, 'ping');
    expect(frames).toEqual([]);
  });
});
