import type { types } from 'mediasoup';
import WebSocket from 'ws';
import {
  NODE_PROTOCOL_VERSION,
  Peer,
  TypedEmitter,
  controlToNode,
  nodeToControl,
  type ControlToNode,
  type IncomingNotification,
  type MediaTrack,
  type NodeCounterMedia,
  type NodeCounterStatus,
  type NodeToControl,
  type ProtocolApi,
} from '@counterwatch/shared';
import type { Logger } from '../logger.js';
import type { DepartmentRouter } from '../media/DepartmentRouter.js';
import type { LiveTrack } from '../media/LiveMedia.js';
import { keepAlive } from '../signalling/socketPeer.js';

/** What the control side of the links needs from its server. */
export interface RemoteMediaHost {
  processName: string;
  secret(): Promise<string>;
  /** Media nodes alive now. */
  liveNodes(): Promise<{ name: string; url: string }[]>;
  getRouter(departmentId: string): Promise<DepartmentRouter>;
  listenIp: string;
  announcedIp: string;
}

export type RemoteMediaEvents = {
  /** A counter's tracks, epoch or publisher on the media nodes changed. */
  changed: [counterId: string];
  status: [status: NodeCounterStatus];
};

interface RemoteCounter {
  node: string;
  media: NodeCounterMedia;
  /** This process's epoch for it: a new node or a new node epoch is a new one. */
  epoch: number;
}

/** How often the list of live nodes is read, and dead links retried. */
const POLL_MS = 1_000;

/**
 * The counters publishing on media nodes, as seen by a control process: a link to each live node
 * tells it their tracks; a track a console watches is piped into this process's department router
 * on first use (one PipeTransport pair per node and department, SRTP), so viewers consume it here
 * exactly as a local one — authorised, audited and paused as on one node.
 */
export class RemoteMedia extends TypedEmitter<RemoteMediaEvents> {
  readonly #host: RemoteMediaHost;
  readonly #logger: Logger;
  readonly #links = new Map<string, NodeLink>();
  readonly #counters = new Map<string, RemoteCounter>();
  readonly #epochs = new Map<string, number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #polling = false;
  #closed = false;

  constructor({ host, logger }: { host: RemoteMediaHost; logger: Logger }) {
    super();
    this.#host = host;
    this.#logger = logger.child({ module: 'remote-media' });
  }

  start(): void {
    void this.#poll();
    this.#timer = setInterval(() => void this.#poll(), POLL_MS);
    this.#timer.unref();
  }

  tracks(counterId: string): MediaTrack[] {
    return this.#counters.get(counterId)?.media.tracks ?? [];
  }

  epoch(counterId: string): number {
    return this.#epochs.get(counterId) ?? 0;
  }

  publisher(counterId: string): NodeCounterMedia['publisher'] {
    return this.#counters.get(counterId)?.media.publisher ?? null;
  }

  /** The media node a counter publishes on, if any. */
  nodeOf(counterId: string): string | undefined {
    return this.#counters.get(counterId)?.node;
  }

  /** The counter's track piped into this process (piped now if it was not yet). */
  async lookup(counterId: string, track: MediaTrack): Promise<LiveTrack | undefined> {
    const entry = this.#counters.get(counterId);
    if (!entry?.media.tracks.includes(track)) return undefined;
    const link = this.#links.get(entry.node);
    if (!link) return undefined;
    const producer = await link.producer(entry.media.departmentId, counterId, track);
    // The counter may have moved while the pipe was made: never hand out a stale node's track.
    if (this.#counters.get(counterId) !== entry) {
      return undefined;
    }
    return { producer, departmentId: entry.media.departmentId, epoch: entry.epoch };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    for (const link of this.#links.values()) link.close();
    this.#links.clear();
  }

  async #poll(): Promise<void> {
    if (this.#polling || this.#closed) return;
    this.#polling = true;
    try {
      const nodes = await this.#host.liveNodes();
      for (const node of nodes) {
        const link = this.#links.get(node.name);
        if (link && link.url === node.url && !link.closed) continue;
        link?.close();
        this.#links.set(node.name, this.#link(node.name, node.url));
      }
      for (const [name, link] of this.#links) {
        if (nodes.some((n) => n.name === name)) continue;
        link.close();
        this.#links.delete(name);
      }
    } catch (error) {
      this.#logger.warn({ reason: (error as Error).message }, 'media nodes not listed');
    } finally {
      this.#polling = false;
    }
  }

  #link(name: string, url: string): NodeLink {
    const link = new NodeLink({ name, url, host: this.#host, logger: this.#logger });
    link.on('media', (media) => this.#update(name, media));
    link.on('status', (status) => {
      if (this.#counters.get(status.counterId)?.node === name) this.emit('status', status);
    });
    link.once('closed', () => {
      if (this.#links.get(name) === link) this.#links.delete(name);
      for (const [counterId, entry] of this.#counters) {
        if (entry.node !== name) continue;
        this.#counters.delete(counterId);
        this.emit('changed', counterId);
      }
    });
    return link;
  }

  #update(node: string, media: NodeCounterMedia): void {
    const current = this.#counters.get(media.counterId);
    if (media.tracks.length === 0) {
      // Only the node it publishes on can say it stopped: a node it left reports late.
      if (current?.node !== node) return;
      this.#counters.delete(media.counterId);
      this.emit('changed', media.counterId);
      return;
    }
    const fresh = !current || current.node !== node || current.media.epoch !== media.epoch;
    const epoch = fresh ? this.epoch(media.counterId) + 1 : current.epoch;
    this.#epochs.set(media.counterId, epoch);
    this.#counters.set(media.counterId, { node, media, epoch });
    this.emit('changed', media.counterId);
  }
}

type NodeLinkEvents = {
  media: [media: NodeCounterMedia];
  status: [status: NodeCounterStatus];
  closed: [];
};

interface Pipe {
  pipeId: string;
  transport: types.PipeTransport;
}

/** One control process's link to one media node: its counters' news in, pipes out. Closes once. */
class NodeLink extends TypedEmitter<NodeLinkEvents> {
  readonly name: string;
  readonly url: string;
  readonly #host: RemoteMediaHost;
  readonly #logger: Logger;
  readonly #ws: WebSocket;
  readonly #peer: Peer<ControlToNode, NodeToControl>;
  readonly #api: ProtocolApi<ControlToNode>;
  readonly #ready: Promise<void>;
  readonly #pipes = new Map<string, Promise<Pipe>>();
  readonly #producers = new Map<string, Promise<types.Producer>>();
  #closed = false;

  constructor({
    name,
    url,
    host,
    logger,
  }: {
    name: string;
    url: string;
    host: RemoteMediaHost;
    logger: Logger;
  }) {
    super();
    this.name = name;
    this.url = url;
    this.#host = host;
    this.#logger = logger.child({ node: name });
    const wsUrl = new URL('/ws/node', url);
    wsUrl.protocol = wsUrl.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(wsUrl, { handshakeTimeout: 5_000, maxPayload: 4 * 1024 * 1024 });
    this.#ws = ws;
    this.#peer = new Peer<ControlToNode, NodeToControl>({
      socket: { send: (text) => ws.readyState === ws.OPEN && ws.send(text) },
      outgoing: controlToNode,
      incoming: nodeToControl,
      onNotification: (n) => this.#onNotification(n),
      requestTimeoutMs: 10_000,
    });
    this.#api = this.#peer.api();
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) this.#peer.receive(data.toString('utf8'));
    });
    ws.on('error', (error) => this.#logger.warn({ reason: error.message }, 'media node link error'));
    ws.on('close', () => this.close());
    this.#ready = new Promise<void>((resolve, reject) => {
      ws.once('open', () => {
        // A node that stops answering pings is dead to us before TCP says so (a host gone silent).
        keepAlive(ws, 2_000);
        void this.#hello().then(resolve, reject);
      });
      ws.once('close', () => reject(new Error('link closed')));
    });
    this.#ready.catch(() => undefined);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The counter's track, piped into this process's router for its department. */
  producer(departmentId: string, counterId: string, track: MediaTrack): Promise<types.Producer> {
    const key = `${counterId}\u0000${track}`;
    let pending = this.#producers.get(key);
    if (!pending) {
      pending = this.#pipeTrack(departmentId, counterId, track);
      this.#producers.set(key, pending);
      pending.then(
        (producer) => producer.observer.once('close', () => this.#producers.delete(key)),
        () => this.#producers.delete(key),
      );
    }
    return pending;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#peer.close();
    if (this.#ws.readyState === WebSocket.OPEN || this.#ws.readyState === WebSocket.CONNECTING)
      this.#ws.terminate();
    for (const pipe of this.#pipes.values())
      void pipe.then(
        (p) => p.transport.close(),
        () => undefined,
      );
    this.#pipes.clear();
    this.#producers.clear();
    this.#logger.info('media node unlinked');
    this.emit('closed');
  }

  async #hello(): Promise<void> {
    const welcome = await this.#api.requestHello({
      protocolVersion: NODE_PROTOCOL_VERSION,
      secret: await this.#host.secret(),
      process: this.#host.processName,
    });
    if (this.#closed) return;
    this.#logger.info({ counters: welcome.counters.length }, 'media node linked');
    for (const media of welcome.counters) this.emit('media', media);
    for (const status of welcome.statuses) this.emit('status', status);
  }

  async #pipeTrack(departmentId: string, counterId: string, track: MediaTrack): Promise<types.Producer> {
    await this.#ready;
    const pipe = await this.#pipe(departmentId);
    const piped = await this.#api.requestPipeTrack({ pipeId: pipe.pipeId, counterId, track });
    const producer = await pipe.transport.produce({
      id: piped.producerId,
      kind: piped.kind,
      rtpParameters: piped.rtpParameters as unknown as types.RtpParameters,
      appData: { counterId, track, node: this.name },
    });
    if (this.#closed) {
      producer.close();
      throw new Error('link closed');
    }
    return producer;
  }

  #pipe(departmentId: string): Promise<Pipe> {
    let pending = this.#pipes.get(departmentId);
    if (!pending) {
      pending = this.#openPipe(departmentId);
      this.#pipes.set(departmentId, pending);
      pending.then(
        (pipe) =>
          pipe.transport.observer.once('close', () => {
            if (this.#pipes.get(departmentId) === pending) this.#pipes.delete(departmentId);
          }),
        () => this.#pipes.delete(departmentId),
      );
    }
    return pending;
  }

  async #openPipe(departmentId: string): Promise<Pipe> {
    const router = await this.#host.getRouter(departmentId);
    const transport = await router.router.createPipeTransport({
      listenInfo: router.plainListenInfo(this.#host.listenIp, this.#host.announcedIp),
      enableSrtp: true,
      appData: { departmentId, node: this.name },
    });
    try {
      const srtp = transport.srtpParameters;
      if (!srtp) throw new Error('pipe without SRTP parameters');
      const remote = await this.#api.requestOpenPipe({
        departmentId,
        ip: this.#host.announcedIp,
        port: transport.tuple.localPort,
        srtp: { cryptoSuite: srtp.cryptoSuite, keyBase64: srtp.keyBase64 },
      });
      await transport.connect({ ip: remote.ip, port: remote.port, srtpParameters: remote.srtp });
      if (this.#closed) throw new Error('link closed');
      return { pipeId: remote.pipeId, transport };
    } catch (error) {
      transport.close();
      throw error;
    }
  }

  #onNotification(notification: IncomingNotification<NodeToControl>): void {
    switch (notification.name) {
      case 'counterMedia':
        this.emit('media', notification.data);
        return;
      case 'counterStatus':
        this.emit('status', notification.data);
        return;
      case 'pipedClosed':
        for (const pending of this.#producers.values())
          void pending.then(
            (producer) => {
              if (producer.id === notification.data.producerId) producer.close();
            },
            () => undefined,
          );
        return;
      default: {
        const unreachable: never = notification;
        this.#logger.error({ name: String(unreachable) }, 'unhandled node notification');
      }
    }
  }
}
