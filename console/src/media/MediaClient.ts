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
    if (this.#unwanted(sub)) {
      await this.#closeConsumer(sub, api);
      // An element may have attached again while we closed.
      if (this.#unwanted(sub)) this.#subscriptions.delete(sub.key);
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
    const generation = this.#generation;
    if (!sub.consumer) {
      const transport = await this.#transport(counter.departmentId, api);
      const device = await this.#loadDevice(api);
      const result = await api.requestConsume({
        transportId: transport.id,
        counterId: sub.counterId,
        track: sub.track,
        rtpCapabilities: device.recvRtpCapabilities,
      });
      if (generation !== this.#generation || transport.closed) {
        // The connection dropped while we asked; the next reconcile starts over.
        return;
      }
      const consumer = await transport.consume({
        id: result.consumerId,
        producerId: result.producerId,
        kind: result.kind,
        // Validated for shape by the protocol schema; mediasoup-client validates the inside.
        rtpParameters: result.rtpParameters as unknown as RtpParameters,
      });
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
    const wantFlowing = sub.visibleSinks.size > 0 && document.visibilityState === 'visible';
    if (wantFlowing && sub.paused) {
      await api.requestResumeConsumer({ consumerId: consumer.id });
      consumer.resume();
      sub.paused = false;
    } else if (!wantFlowing && !sub.paused) {
      await api.requestPauseConsumer({ consumerId: consumer.id });
      consumer.pause();
      sub.paused = true;
    }
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
    this.#deviceLoading ??= (async () => {
      const { rtpCapabilities } = await api.requestRouterCapabilities({});
      const device = new Device();
      await device.load({ routerRtpCapabilities: rtpCapabilities });
      this.#device = device;
      return device;
    })();
    try {
      return await this.#deviceLoading;
    } catch (error) {
      this.#deviceLoading = undefined;
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
          if (state === 'failed') void this.#dropTransport(transport.id);
        });
        return transport;
      })();
      this.#transports.set(departmentId, pending);
      pending.catch(() => this.#transports.delete(departmentId));
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
      if (transport.id !== transportId) continue;
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
