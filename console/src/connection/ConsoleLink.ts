import {
  Backoff,
  CONSOLE_CLOSE,
  CONSOLE_PROTOCOL_VERSION,
  Peer,
  TypedEmitter,
  consoleToServer,
  serverToConsole,
  type ConsoleToServer,
  type IncomingNotification,
  type ProtocolApi,
  type ServerToConsole,
  SessionStateSchema,
} from '@counterwatch/shared';
import { apiRequest } from '../api/http';
import { useStore } from '../store/store';

export type ConsoleApi = ProtocolApi<ConsoleToServer>;

export type ConsoleLinkEvents = {
  /** Hello answered and the snapshot applied; fires after every (re)connect. */
  ready: [api: ConsoleApi];
  /** The socket is gone; every server-side media object with it. */
  down: [];
  consumerClosed: [consumerId: string, reason: string];
  transportClosed: [transportId: string, reason: string];
};

/**
 * The console's socket to the server: hello with the protocol version, a
 * full snapshot on every (re)connect, live patches into the store, and
 * reconnect with capped exponential backoff.
 */
export class ConsoleLink extends TypedEmitter<ConsoleLinkEvents> {
  readonly #backoff = new Backoff({ initialMs: 500, maxMs: 15_000 });
  #ws: WebSocket | undefined;
  #api: ConsoleApi | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  /** Once connected, every later outage reads "reconnecting", however many attempts fail. */
  #wasConnected = false;

  get api(): ConsoleApi | undefined {
    return this.#api;
  }

  start(): void {
    this.#stopped = false;
    this.#wasConnected = false;
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#ws?.close(1000, 'bye');
  }

  #connect(): void {
    const url = new URL('/ws/console', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    this.#ws = ws;
    const peer = new Peer<ConsoleToServer, ServerToConsole>({
      socket: { send: (text) => ws.send(text) },
      outgoing: consoleToServer,
      incoming: serverToConsole,
      onNotification: (n) => this.#onNotification(n),
      // A province's snapshot (hundreds of counters) on a busy machine can take longer than the default
      // 10 s to arrive and be read; timing out would reconnect and start over, for ever.
      requestTimeoutMs: 30_000,
      // What the (authenticated) server sends: a province's snapshot is ~2 kB per counter plus its open
      // alerts — 650 kB for 150 counters after a week of demo history, beyond the 256 kB default that
      // guards servers, and refusing it left the console reconnecting for ever.
      maxMessageBytes: 64 * 1024 * 1024,
    });
    peer.on('remoteError', (error) => console.warn('server refused a message', error.code, error.message));
    let opened = false;

    ws.onopen = () => {
      opened = true;
      const api = peer.api();
      api
        .requestHello({ protocolVersion: CONSOLE_PROTOCOL_VERSION })
        .then((snapshot) => {
          if (peer.closed) return;
          const store = useStore.getState();
          store.setServerTime(snapshot.serverTime);
          store.applySnapshot(snapshot);
          store.setConnectionStatus('connected');
          this.#wasConnected = true;
          this.#backoff.reset();
          this.#api = api;
          this.emit('ready', api);
        })
        .catch((error: unknown) => {
          console.error('hello failed', error);
          ws.close();
        });
    };
    ws.onmessage = (event: MessageEvent<unknown>) => {
      if (typeof event.data === 'string') peer.receive(event.data);
    };
    ws.onclose = (event) => {
      peer.close();
      const wasReady = this.#api !== undefined;
      this.#api = undefined;
      if (wasReady) this.emit('down');
      if (this.#stopped) return;
      if (event.code === CONSOLE_CLOSE.unauthenticated || event.code === CONSOLE_CLOSE.sessionEnded) {
        useStore.getState().setConnectionStatus('unauthenticated');
        return;
      }
      // Too many tabs of this login: keep retrying slowly, a place frees up when one closes.
      if (event.code === CONSOLE_CLOSE.tooManyConnections) console.warn(event.reason);
      useStore.getState().setConnectionStatus(this.#wasConnected || opened ? 'reconnecting' : 'connecting');
      void this.#retryOrLogin(opened);
    };
  }

  /** A refused upgrade looks like a network error in the browser: ask the API whether we are still logged in. */
  async #retryOrLogin(opened: boolean): Promise<void> {
    if (!opened) {
      try {
        const { user } = await apiRequest('GET', '/api/v1/auth/session', SessionStateSchema);
        if (!user) {
          useStore.getState().setConnectionStatus('unauthenticated');
          return;
        }
      } catch {
        // the server is unreachable: retry below
      }
    }
    const delay = this.#backoff.next();
    this.#timer = setTimeout(() => this.#connect(), delay);
  }

  #onNotification(notification: IncomingNotification<ServerToConsole>): void {
    const store = useStore.getState();
    switch (notification.name) {
      case 'snapshot':
        store.setServerTime(notification.data.serverTime);
        store.applySnapshot(notification.data);
        return;
      case 'countersPatch':
        store.applyCounterPatches(notification.data.counters);
        return;
      case 'departmentsPatch':
        store.applyDepartmentMetrics(notification.data.departments);
        return;
      case 'alertsChanged':
        store.applyAlerts(notification.data.alerts);
        return;
      case 'consumerClosed':
        this.emit('consumerClosed', notification.data.consumerId, notification.data.reason);
        return;
      case 'transportClosed':
        this.emit('transportClosed', notification.data.transportId, notification.data.reason);
        return;
      default: {
        const unreachable: never = notification;
        console.error('unhandled notification', unreachable);
      }
    }
  }
}
