import {
  CONSOLE_PROTOCOL_VERSION,
  CounterMediaSchema,
  SnapshotSchema,
  type CounterMedia,
  type Snapshot,
} from '@counterwatch/shared';
import { z } from 'zod';
import { RawSocket } from '../../support/agentSocket.js';
import { loginCookie } from '../../support/http.js';

/** A console socket speaking the protocol by hand: requests answered in order, notifications dropped. */
class ConsoleSocket {
  readonly raw: RawSocket;
  #id = 0;
  readonly #trim: ReturnType<typeof setInterval>;
  /** Notifications seen, for those who watch (the watcher), before they are dropped. */
  onNotification: ((frame: Record<string, unknown>) => void) | undefined;

  constructor(url: string, cookie: string) {
    this.raw = new RawSocket(`${url.replace('http', 'ws')}/ws/console`, { cookie, origin: url });
    this.raw.ws.on('error', () => undefined); // a refused or cut socket shows in `opened` / `closed`
    // Live patches arrive every second: keep only the responses someone waits for.
    this.#trim = setInterval(() => this.#drain(), 200);
    void this.raw.closed.then(() => clearInterval(this.#trim));
  }

  async call(name: string, data: unknown, timeoutMs = 20_000): Promise<unknown> {
    const id = ++this.#id;
    this.raw.request(id, name, data);
    const frame = await this.raw.response(id, timeoutMs);
    if (frame.ok !== true) throw new ConsoleRefusal(name, JSON.stringify(frame.error));
    return frame.data;
  }

  async hello(): Promise<Snapshot> {
    return SnapshotSchema.parse(await this.call('hello', { protocolVersion: CONSOLE_PROTOCOL_VERSION }));
  }

  #drain(): void {
    const frames = this.raw.frames;
    for (let i = frames.length - 1; i >= 0; i--) {
      const f = frames[i] as Record<string, unknown>;
      if (f.kind === 'response') continue;
      frames.splice(i, 1);
      this.onNotification?.(f);
    }
  }
}

export class ConsoleRefusal extends Error {
  constructor(request: string, error: string) {
    super(`${request} refused: ${error}`);
    this.name = 'ConsoleRefusal';
  }
}

const PatchSchema = z.object({
  counters: z.array(z.object({ id: z.string(), media: CounterMediaSchema.optional() })),
});

/**
 * A console left open all along, as on a wall: it keeps the latest media
 * status of every counter from the snapshot and the live patches.
 */
export class Watcher {
  readonly media = new Map<string, CounterMedia>();
  #socket: ConsoleSocket | undefined;
  readonly #url: string;
  readonly #cookie: string;
  reconnects = 0;

  constructor(url: string, cookie: string) {
    this.#url = url;
    this.#cookie = cookie;
  }

  async connect(): Promise<void> {
    const socket = new ConsoleSocket(this.#url, this.#cookie);
    this.#socket = socket;
    socket.onNotification = (f) => {
      if (f.name === 'countersPatch') {
        for (const p of PatchSchema.parse(f.data).counters) if (p.media) this.media.set(p.id, p.media);
      } else if (f.name === 'snapshot') {
        this.#take(SnapshotSchema.parse(f.data));
      }
    };
    await socket.raw.opened;
    this.#take(await socket.hello());
    void socket.raw.closed.then(() => {
      if (this.#socket !== socket) return;
      this.reconnects += 1;
      setTimeout(() => void this.connect().catch(() => undefined), 1_000);
    });
  }

  online(): string[] {
    return [...this.media].filter(([, m]) => m.status === 'online').map(([id]) => id);
  }

  /** A fresh snapshot (a new hello on the open socket), as a console gets on reconnect. */
  async snapshot(): Promise<Snapshot> {
    if (!this.#socket) throw new Error('watcher not connected');
    const snapshot = await this.#socket.hello();
    this.#take(snapshot);
    return snapshot;
  }

  close(): void {
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.raw.close();
  }

  #take(snapshot: Snapshot): void {
    for (const c of snapshot.counters) this.media.set(c.id, c.media);
  }
}

export type DropKind = 'clean' | 'abrupt' | 'tidy' | 'logout';
const DROPS: DropKind[] = ['clean', 'abrupt', 'tidy', 'logout'];

export interface ConsoleLaneStats {
  connects: number;
  drops: Record<DropKind, number>;
  transports: number;
  consumers: number;
  /** Consumes refused because the counter had just gone (an agent killed a moment ago). */
  refused: number;
  /** Anything else that went wrong (a request that timed out, a socket refused). */
  failures: number;
  lastFailure: string | undefined;
}

/**
 * A supervisor's console that opens, watches the wall for a while — a
 * receive transport per department, a paused-then-resumed consumer per
 * online tile, focus and audio of one counter — and goes away, each time
 * another way: a clean close, a cut connection, closing its consumers and
 * transports first, or logging out (the server ends the socket).
 */
export class ConsoleLane {
  readonly stats: ConsoleLaneStats = {
    connects: 0,
    drops: { clean: 0, abrupt: 0, tidy: 0, logout: 0 },
    transports: 0,
    consumers: 0,
    refused: 0,
    failures: 0,
    lastFailure: undefined,
  };
  readonly #url: string;
  readonly #username: string;
  readonly #password: string;
  readonly #random: () => number;
  #cookie: string | undefined;
  #cycle: number;
  #socket: ConsoleSocket | undefined;

  constructor(options: {
    url: string;
    username: string;
    password: string;
    random: () => number;
    offset: number;
  }) {
    this.#url = options.url;
    this.#username = options.username;
    this.#password = options.password;
    this.#random = options.random;
    this.#cycle = options.offset;
  }

  get connected(): boolean {
    return this.#socket !== undefined;
  }

  /** Cycles until `stopped()`; ends with the socket closed. */
  async run(stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      try {
        await this.#once(stopped);
      } catch (error) {
        this.stats.failures += 1;
        this.stats.lastFailure = error instanceof Error ? error.message.slice(0, 300) : String(error);
        this.#socket?.raw.ws.terminate();
        this.#socket = undefined;
      }
      await sleep(2_000 + this.#random() * 4_000);
    }
  }

  async #once(stopped: () => boolean): Promise<void> {
    const drop = DROPS[this.#cycle++ % DROPS.length]!;
    this.#cookie ??= await loginCookie(this.#url, this.#username, this.#password);
    const socket = new ConsoleSocket(this.#url, this.#cookie);
    this.#socket = socket;
    await socket.raw.opened;
    this.stats.connects += 1;
    const snapshot = await socket.hello();
    const { rtpCapabilities } = z
      .object({ rtpCapabilities: z.unknown() })
      .parse(await socket.call('routerCapabilities', {}));
    const transports: string[] = [];
    const consumers: string[] = [];
    const online = snapshot.counters.filter((c) => c.media.status === 'online');
    const focused = online[Math.floor(this.#random() * online.length)];
    for (const d of snapshot.departments) {
      const { transportId } = z
        .object({ transportId: z.string() })
        .parse(await socket.call('createTransport', { departmentId: d.id }));
      transports.push(transportId);
      this.stats.transports += 1;
      for (const c of online.filter((o) => o.departmentId === d.id)) {
        const tracks = c === focused ? c.media.tracks : c.media.tracks.filter((t) => t === 'grid');
        for (const track of tracks) {
          try {
            const { consumerId } = z
              .object({ consumerId: z.string() })
              .parse(await socket.call('consume', { transportId, counterId: c.id, track, rtpCapabilities }));
            await socket.call('resumeConsumer', { consumerId });
            consumers.push(consumerId);
            this.stats.consumers += 1;
          } catch (error) {
            if (!(error instanceof ConsoleRefusal)) throw error;
            this.stats.refused += 1; // its agent went away between the snapshot and now
          }
        }
      }
    }
    const holdUntil = Date.now() + 8_000 + this.#random() * 17_000;
    while (Date.now() < holdUntil && !stopped()) await sleep(250);
    await this.#drop(socket, drop, transports, consumers);
    this.#socket = undefined;
    this.stats.drops[drop] += 1;
  }

  async #drop(
    socket: ConsoleSocket,
    kind: DropKind,
    transports: string[],
    consumers: string[],
  ): Promise<void> {
    switch (kind) {
      case 'clean':
        socket.raw.close();
        break;
      case 'abrupt':
        socket.raw.ws.terminate(); // no close frame: the server sees the TCP connection go
        break;
      case 'tidy':
        for (const consumerId of consumers) {
          await socket.call('closeConsumer', { consumerId }).catch(() => undefined);
        }
        for (const transportId of transports) await socket.call('closeTransport', { transportId });
        socket.raw.close();
        break;
      case 'logout': {
        const res = await fetch(`${this.#url}/api/v1/auth/logout`, {
          method: 'POST',
          headers: { cookie: this.#cookie ?? '', origin: this.#url, 'content-type': 'application/json' },
          body: '{}',
        });
        if (!res.ok) throw new Error(`logout: ${res.status}`);
        this.#cookie = undefined; // the next cycle logs in anew
        break; // the server closes the socket of the ended session
      }
      default: {
        const unreachable: never = kind;
        throw new Error(`unknown drop ${String(unreachable)}`);
      }
    }
    const closed = await Promise.race([socket.raw.closed, sleep(15_000).then(() => undefined)]);
    if (!closed) throw new Error(`${kind} drop: the socket did not close within 15 s`);
  }

  /** Closes the socket now (end of the soak). */
  close(): void {
    this.#socket?.raw.close();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
