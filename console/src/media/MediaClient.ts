import { Device } from 'mediasoup-client';
import type { Consumer, RtpParameters, Transport } from 'mediasoup-client/types';
import type { MediaTrack } from '@counterwatch/shared';
import type { ConsoleApi, ConsoleLink } from '../connection/ConsoleLink';
import { useStore } from '../store/store';

/**
 * Everything WebRTC in the console, outside React and outside the store:
 * one Device, one receive transport per department, one consumer per
 * (counter, track) that some element on screen wants. Components only say
 * "this element shows this counter's track" and "it is (not) visible"; the
 * client consumes, pauses, resumes and re-consumes by itself as counters go
 * online, republish, or the connection comes back.
 */
interface Subscription {
  key: string;
  counterId: string;
  track: MediaTrack;
  sinks: Set<HTMLMediaElement>;
  visibleSinks: Set<HTMLMediaElement>;
  consumer: Consumer | undefined;
  epoch: number;
  paused: boolean;
  /** Operations on one subscription run one after another. */
  queue: Promise<void>;
  /** When the picture was asked for: the first element attached, or media came back. */
  attachedAt: number;
  firstFrameMs: number | null;
}

export interface MediaStatsRow {
  counterId: string;
  track: MediaTrack;
  paused: boolean;
  framesDecoded: number;
  packetsReceived: number;
  bytesReceived: number;
  firstFrameMs: number | null;
}

export class MediaClient {
  readonly #link: ConsoleLink;
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #transports = new Map<string, Promise<Transport>>();
  #device: Device | undefined;
  #deviceLoading: Promise<Device> | undefined;
  #generation = 0;

  constructor(link: ConsoleLink) {
    this.#link = link;
    link.on('ready', () => this.#reconcileAll());
    link.on('down', () => this.#dropServerState());
    link.on('consumerClosed', (consumerId) => {
      for (const sub of this.#subscriptions.values()) {
        if (sub.consumer?.id === consumerId) {
          this.#forgetConsumer(sub);
          this.#schedule(sub);
        }
      }
    });
    link.on('transportClosed', (transportId) => void this.#dropTransport(transportId));
    // A counter coming online, going away or republishing (new epoch) changes what we should consume.
    useStore.subscribe((state, previous) => {
      if (state.counters === previous.counters) return;
      for (const sub of this.#subscriptions.values()) {
        if (state.counters[sub.counterId]?.media !== previous.counters[sub.counterId]?.media)
          this.#schedule(sub);
      }
    });
    document.addEventListener('visibilitychange', () => this.#reconcileAll());
  }

  /** Shows a counter's track in an element until the returned function is called. */
  attach(counterId: string, track: MediaTrack, element: HTMLMediaElement): () => void {
    const key = `${counterId}/${track}`;
    let sub = this.#subscriptions.get(key);
    if (!sub) {
      sub = {
        key,
        counterId,
        track,
        sinks: new Set(),
        visibleSinks: new Set(),
        consumer: undefined,
        epoch: -1,
        paused: true,
        queue: Promise.resolve(),
        attachedAt: performance.now(),
        firstFrameMs: null,
      };
      this.#subscriptions.set(key, sub);
    }
    sub.sinks.add(element);
    if (sub.consumer) this.#wire(sub, element, sub.consumer.track);
    this.#schedule(sub);
    const current = sub;
    return () => {
      current.sinks.delete(element);
      current.visibleSinks.delete(element);
      element.srcObject = null;
      this.#schedule(current);
    };
  }

  /** An element scrolled in or out of view: hidden tiles pause their consumers. */
  setVisible(counterId: string, track: MediaTrack, element: HTMLMediaElement, visible: boolean): void {
    const sub = this.#subscriptions.get(`${counterId}/${track}`);
    if (!sub?.sinks.has(element)) return;
    if (visible) sub.visibleSinks.add(element);
    else sub.visibleSinks.delete(element);
    this.#schedule(sub);
  }

  /** Receive statistics per consumer: for the diagnostics overlay and the end-to-end tests. */
  async stats(): Promise<MediaStatsRow[]> {
    const rows: MediaStatsRow[] = [];
    for (const sub of this.#subscriptions.values()) {
      const consumer = sub.consumer;
      if (!consumer || consumer.closed) continue;
      const row: MediaStatsRow = {
        counterId: sub.counterId,
        track: sub.track,
        paused: sub.paused,
        framesDecoded: 0,
        packetsReceived: 0,
        bytesReceived: 0,
        firstFrameMs: sub.firstFrameMs,
      };
      const report = await consumer.getStats();
      report.forEach(
        (s: { type?: string; framesDecoded?: number; packetsReceived?: number; bytesReceived?: number }) => {
          if (s.type !== 'inbound-rtp') return;
          row.framesDecoded += s.framesDecoded ?? 0;
          row.packetsReceived += s.packetsReceived ?? 0;
          row.bytesReceived += s.bytesReceived ?? 0;
        },
      );
      rows.push(row);
    }
    return rows;
  }

  #schedule(sub: Subscription): void {
    sub.queue = sub.queue.then(
      () => this.#reconcile(sub),
      () => this.#reconcile(sub),
    );
    sub.queue.catch((error: unknown) => {
      console.warn(`media ${sub.key}:`, error instanceof Error ? error.message : error);
      // Try again a little later: the counter may be mid-republish.
      setTimeout(() => {
        if (this.#subscriptions.get(sub.key) === sub) this.#schedule(sub);
      }, 2_000);
    });
  }

  #reconcileAll(): void {
    for (const sub of this.#subscriptions.values()) this.#schedule(sub);
  }

  async #reconcile(sub: Subscription): Promise<void> {
    const api = this.#link.api;
    // Taken with `api`: a pass works on one connection, and stops once it is gone (the next `ready` starts over).
    const generation = this.#generation;
    if (this.#unwanted(sub)) {
      await this.#closeConsumer(sub, api);
      // An element may have attached again while we closed; and a later subscription under the same key is not ours.
      if (this.#unwanted(sub) && this.#subscriptions.get(sub.key) === sub)
        this.#subscriptions.delete(sub.key);
      return;
    }
    const counter = useStore.getState().counters[sub.counterId];
    const media = counter?.media;
    const available = media?.status === 'online' && media.tracks.includes(sub.track);
    if (!api || !counter || !media || !available) {
      await this.#closeConsumer(sub, api);
      return;
    }
    if (sub.consumer && sub.epoch !== media.epoch) await this.#closeConsumer(sub, api);
    if (this.#stale(generation)) return;
    if (!sub.consumer) {
      const transport = await this.#transport(counter.departmentId, api);
      const device = await this.#loadDevice(api);
      if (this.#stale(generation)) return;
      const result = await api.requestConsume({
        transportId: transport.id,
        counterId: sub.counterId,
        track: sub.track,
        rtpCapabilities: device.recvRtpCapabilities,
      });
      if (this.#stale(generation) || transport.closed) {
        // The connection dropped while we asked; the next reconcile starts over.
        return;
      }
      const consumer = await whileOpen(
        transport,
        transport.consume({
          id: result.consumerId,
          producerId: result.producerId,
          kind: result.kind,
          // Validated for shape by the protocol schema; mediasoup-client validates the inside.
          rtpParameters: result.rtpParameters as unknown as RtpParameters,
        }),
      );
      if (this.#stale(generation) || consumer.closed) {
        // Dropped while the browser set it up (its transport closed with it): a consumer of the old server must
        // not stand in for a new one (epochs start again at 1 after a restart, so the epoch check would keep it).
        if (!consumer.closed) consumer.close();
        return;
      }
      sub.consumer = consumer;
      sub.epoch = result.epoch;
      sub.paused = true;
      // Time to first frame counts from the element asking (a click), or from a re-consume after media came back.
      if (sub.firstFrameMs !== null) {
        sub.attachedAt = performance.now();
        sub.firstFrameMs = null;
      }
      for (const sink of sub.sinks) this.#wire(sub, sink, consumer.track);
    }
    const consumer = sub.consumer;
    if (this.#stale(generation)) return;
    const wantFlowing = sub.visibleSinks.size > 0 && document.visibilityState === 'visible';
    if (wantFlowing && sub.paused) {
      await api.requestResumeConsumer({ consumerId: consumer.id });
      if (sub.consumer !== consumer) return; // forgotten meanwhile (connection or transport gone)
      consumer.resume();
      sub.paused = false;
    } else if (!wantFlowing && !sub.paused) {
      await api.requestPauseConsumer({ consumerId: consumer.id });
      if (sub.consumer !== consumer) return;
      consumer.pause();
      sub.paused = true;
    }
  }

  /** The connection a reconcile started on has gone (its transports and consumers with it). */
  #stale(generation: number): boolean {
    return generation !== this.#generation;
  }

  #unwanted(sub: Subscription): boolean {
    return sub.sinks.size === 0;
  }

  #wire(sub: Subscription, element: HTMLMediaElement, track: MediaStreamTrack): void {
    element.srcObject = new MediaStream([track]);
    element.play().catch((error: unknown) => {
      // Audio needs a user gesture; listening is always started by a click, so this is rare.
      console.warn('playback refused', error instanceof Error ? error.message : error);
    });
    if (element instanceof HTMLVideoElement && 'requestVideoFrameCallback' in element) {
      const consumer = sub.consumer;
      element.requestVideoFrameCallback(() => {
        if (sub.consumer === consumer && sub.firstFrameMs === null) {
          sub.firstFrameMs = Math.round(performance.now() - sub.attachedAt);
        }
      });
    }
  }

  async #closeConsumer(sub: Subscription, api: ConsoleApi | undefined): Promise<void> {
    const consumer = sub.consumer;
    if (!consumer) return;
    this.#forgetConsumer(sub);
    if (api && !consumer.closed) {
      try {
        await api.requestCloseConsumer({ consumerId: consumer.id });
      } catch (error) {
        // Already gone on the server (producer closed first): nothing left to close.
        console.debug('closeConsumer', error instanceof Error ? error.message : error);
      }
    }
  }

  #forgetConsumer(sub: Subscription): void {
    const consumer = sub.consumer;
    sub.consumer = undefined;
    sub.paused = true;
    sub.epoch = -1;
    if (consumer && !consumer.closed) consumer.close();
    for (const sink of sub.sinks) sink.srcObject = null;
  }

  async #loadDevice(api: ConsoleApi): Promise<Device> {
    if (this.#device?.loaded) return this.#device;
    const generation = this.#generation;
    const loading = (this.#deviceLoading ??= (async () => {
      const { rtpCapabilities } = await api.requestRouterCapabilities({});
      const device = new Device();
      await device.load({ routerRtpCapabilities: rtpCapabilities });
      // Loaded from a connection that has gone since: not this server's capabilities.
      if (!this.#stale(generation)) this.#device = device;
      return device;
    })());
    try {
      return await loading;
    } catch (error) {
      if (this.#deviceLoading === loading) this.#deviceLoading = undefined;
      throw error;
    }
  }

  #transport(departmentId: string, api: ConsoleApi): Promise<Transport> {
    let pending = this.#transports.get(departmentId);
    if (!pending) {
      pending = (async () => {
        const device = await this.#loadDevice(api);
        const info = await api.requestCreateTransport({ departmentId });
        const transport = device.createRecvTransport({
          id: info.transportId,
          iceParameters: info.iceParameters,
          iceCandidates: info.iceCandidates as unknown as Parameters<
            Device['createRecvTransport']
          >[0]['iceCandidates'],
          dtlsParameters: info.dtlsParameters, // the protocol schema checks the hash function names
          appData: { departmentId },
        });
        transport.on('connect', ({ dtlsParameters }, callback, errback) => {
          api
            .requestConnectTransport({
              transportId: transport.id,
              dtlsParameters: dtlsParameters,
            })
            .then(() => callback(), errback);
        });
        transport.on('connectionstatechange', (state) => {
          if (state !== 'failed') return;
          // The server drops its side only when DTLS fails, which a failed ICE never reaches, and allows two
          // transports per department: close it there too, or a second failure would leave no room for a new one.
          api.requestCloseTransport({ transportId: transport.id }).catch(() => undefined);
          void this.#dropTransport(transport.id);
        });
        return transport;
      })();
      this.#transports.set(departmentId, pending);
      const created = pending;
      // Only this attempt's entry: a newer one (after a reconnect) may stand there by now.
      created.catch(() => {
        if (this.#transports.get(departmentId) === created) this.#transports.delete(departmentId);
      });
    }
    return pending;
  }

  async #dropTransport(transportId: string): Promise<void> {
    for (const [departmentId, pending] of this.#transports) {
      let transport: Transport;
      try {
        transport = await pending;
      } catch {
        continue; // never created; already removed from the map
      }
      if (transport.id !== transportId || this.#transports.get(departmentId) !== pending) continue;
      this.#transports.delete(departmentId);
      for (const sub of this.#subscriptions.values()) {
        if (useStore.getState().counters[sub.counterId]?.departmentId === departmentId)
          this.#forgetConsumer(sub);
      }
      transport.close();
      this.#reconcileAll();
    }
  }

  /** The socket went down: every transport and consumer on the server went with it. */
  #dropServerState(): void {
    this.#generation += 1;
    // The next server (a restart, an upgrade) may route other codecs: load its router's capabilities afresh.
    this.#device = undefined;
    this.#deviceLoading = undefined;
    for (const sub of this.#subscriptions.values()) this.#forgetConsumer(sub);
    for (const pending of this.#transports.values()) {
      pending.then(
        (t) => t.close(),
        () => undefined,
      );
    }
    this.#transports.clear();
  }
}

/**
 * A consumer being set up on `transport`, or an error once the transport closes: closing the peer connection
 * in the middle of the setup can leave mediasoup-client's promise pending for ever (RTCPeerConnection drops
 * the operations it had queued), and one such wait would hold its subscription's queue for good.
 */
function whileOpen(transport: Transport, setup: Promise<Consumer>): Promise<Consumer> {
  return new Promise<Consumer>((resolve, reject) => {
    let closed = false;
    const onClose = (): void => {
      closed = true;
      reject(new Error('transport closed'));
    };
    // The observer forgets its listeners when the transport closes: a closed one would never call ours.
    if (transport.closed) onClose();
    else transport.observer.once('close', onClose);
    setup.then(
      (consumer) => {
        transport.observer.off('close', onClose);
        // Came after all, but nobody waits for it now.
        if (closed) consumer.close();
        else resolve(consumer);
      },
      (error: unknown) => {
        transport.observer.off('close', onClose);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
