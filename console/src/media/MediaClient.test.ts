import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConsoleApi, ConsoleLink } from '../connection/ConsoleLink';
import { useStore } from '../store/store';
import { counter } from '../test/fixtures';
import { MediaClient } from './MediaClient';

/**
 * The media client against a fake mediasoup-client and a fake link: what it
 * does when the connection drops while a consumer is being set up.
 */

type Listener = (...args: unknown[]) => void;

class Emitter {
  readonly #listeners = new Map<string, Set<Listener>>();
  on(event: string, listener: Listener): void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
  }
  once(event: string, listener: Listener): void {
    const wrapped: Listener = (...args) => {
      this.off(event, wrapped);
      listener(...args);
    };
    this.on(event, wrapped);
  }
  off(event: string, listener: Listener): void {
    this.#listeners.get(event)?.delete(listener);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(...args);
  }
}

class FakeConsumer {
  closed = false;
  readonly track = {};
  constructor(readonly id: string) {}
  close(): void {
    this.closed = true;
  }
  resume(): void {}
  pause(): void {}
  getStats(): Promise<Map<string, unknown>> {
    return Promise.resolve(new Map([['in', { type: 'inbound-rtp', framesDecoded: 1 }]]));
  }
}

/** Whether the next transports set consumers up at once, or when the test says (`held`), if ever. */
let holdConsumes = false;
const held: (() => void)[] = [];
const transports: FakeTransport[] = [];

class FakeTransport extends Emitter {
  closed = false;
  readonly observer = new Emitter();
  readonly consumes: string[] = [];
  readonly #hold = holdConsumes;
  constructor(readonly id: string) {
    super();
    transports.push(this);
  }
  consume(options: { id: string }): Promise<FakeConsumer> {
    this.consumes.push(options.id);
    const consumer = new FakeConsumer(options.id);
    if (!this.#hold) return Promise.resolve(consumer);
    return new Promise((resolve) => held.push(() => resolve(consumer)));
  }
  close(): void {
    this.closed = true;
    this.observer.emit('close');
  }
}

vi.mock('mediasoup-client', () => ({
  Device: class {
    loaded = false;
    readonly recvRtpCapabilities = {};
    load(): Promise<void> {
      this.loaded = true;
      return Promise.resolve();
    }
    createRecvTransport(options: { id: string }): FakeTransport {
      return new FakeTransport(options.id);
    }
  },
}));

/** One connection's requests: the server's answers, until the connection closes. */
function fakeApi(name: string) {
  let consumers = 0;
  return {
    requestRouterCapabilities: vi.fn(() => Promise.resolve({ rtpCapabilities: {} })),
    requestCreateTransport: vi.fn(() =>
      Promise.resolve({
        transportId: `${name}-transport`,
        iceParameters: {},
        iceCandidates: [],
        dtlsParameters: {},
      }),
    ),
    requestConnectTransport: vi.fn(() => Promise.resolve({})),
    requestConsume: vi.fn((data: { counterId: string; track: string }) =>
      Promise.resolve({
        consumerId: `${name}-consumer-${++consumers}`,
        producerId: `${name}-producer`,
        kind: 'video',
        rtpParameters: {},
        track: data.track,
        epoch: 1,
      }),
    ),
    requestResumeConsumer: vi.fn(() => Promise.resolve({})),
    requestPauseConsumer: vi.fn(() => Promise.resolve({})),
    requestCloseConsumer: vi.fn(() => Promise.resolve({})),
    requestCloseTransport: vi.fn(() => Promise.resolve({})),
  };
}

class FakeMediaStream {
  constructor(readonly tracks: unknown[]) {}
}

class FakeLink extends Emitter {
  api: ConsoleApi | undefined;
}

function fakeVideo(): HTMLMediaElement {
  return { srcObject: null, play: () => Promise.resolve() } as unknown as HTMLMediaElement;
}

/** A client on a first connection, and the video element it will show. */
function connected() {
  const link = new FakeLink();
  const first = fakeApi('first');
  link.api = first as unknown as ConsoleApi;
  return { link, first, client: new MediaClient(link as unknown as ConsoleLink), video: fakeVideo() };
}

/** A new server answers the hello. */
function reconnect(link: FakeLink): ReturnType<typeof fakeApi> {
  const second = fakeApi('second');
  link.api = second as unknown as ConsoleApi;
  link.emit('ready', second);
  return second;
}

describe('MediaClient', () => {
  beforeEach(() => {
    vi.stubGlobal('document', { visibilityState: 'visible', addEventListener: () => undefined });
    vi.stubGlobal('MediaStream', FakeMediaStream);
    // Not one of ours: the fake elements skip the first-frame timing.
    vi.stubGlobal('HTMLVideoElement', FakeMediaStream);
    useStore.setState({ counters: { q1: counter('q1') } });
    transports.length = 0;
    held.length = 0;
    holdConsumes = false;
  });

  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('consumes again after a reconnect when the old transport closed under a consumer being set up', async () => {
    const { link, first, client, video } = connected();
    // The peer connection closes under this setup: like the browser, its promise never settles (never released).
    holdConsumes = true;
    client.attach('q1', 'grid', video);
    client.setVisible('q1', 'grid', video, true);
    await vi.waitFor(() => expect(transports[0]?.consumes).toEqual(['first-consumer-1']));

    // The server stops: the link goes down, then a new server answers the hello.
    link.api = undefined;
    link.emit('down');
    await vi.waitFor(() => expect(transports[0]?.closed).toBe(true));
    holdConsumes = false;
    const second = reconnect(link);

    await vi.waitFor(() =>
      expect(second.requestResumeConsumer).toHaveBeenCalledWith({ consumerId: 'second-consumer-1' }),
    );
    expect(first.requestResumeConsumer).not.toHaveBeenCalled();
    expect((await client.stats()).map((row) => [row.counterId, row.paused])).toEqual([['q1', false]]);
  });

  it('does not keep a consumer that arrives after its connection went', async () => {
    const { link, first, client, video } = connected();
    holdConsumes = true;
    client.attach('q1', 'grid', video);
    client.setVisible('q1', 'grid', video, true);
    await vi.waitFor(() => expect(held).toHaveLength(1));

    link.api = undefined;
    link.emit('down');
    holdConsumes = false;
    const second = reconnect(link);
    // The old setup completes after all, on a transport closed by now.
    held[0]?.();

    // The same epoch (1) on the new server: only the connection tells the old consumer from a new one.
    await vi.waitFor(() =>
      expect(second.requestResumeConsumer).toHaveBeenCalledWith({ consumerId: 'second-consumer-1' }),
    );
    expect(second.requestResumeConsumer).toHaveBeenCalledTimes(1);
    expect(first.requestResumeConsumer).not.toHaveBeenCalled();
  });
});
