import { Device } from 'mediasoup-client';
import type { Producer, Transport } from 'mediasoup-client/types';
import {
  AGENT_PROTOCOL_VERSION,
  Backoff,
  Peer,
  TypedEmitter,
  agentToServer,
  assertNever,
  serverToAgent,
  type AgentHealth,
  type AgentToServer,
  type AgentWelcome,
  type MediaTrack,
  type ProtocolApi,
  type ServerToAgent,
} from '@counterwatch/shared';

export type PublisherState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'stopped';

export type BrowserPublisherEvents = {
  state: [state: PublisherState, detail?: string];
};

export interface BrowserPublisherOptions {
  counterId: string;
  token: string;
  videoDeviceId?: string;
  audioDeviceId?: string;
}

/**
 * The browser counter agent: the same agent protocol as the ffmpeg agent,
 * publishing the camera twice (grid and focus renditions) and the
 * microphone over one WebRTC transport. Unlike ffmpeg, the browser answers
 * keyframe requests, so a new viewer sees a picture at once.
 */
export class BrowserPublisher extends TypedEmitter<BrowserPublisherEvents> {
  readonly #options: BrowserPublisherOptions;
  readonly #backoff = new Backoff({ initialMs: 500, maxMs: 15_000 });
  #ws: WebSocket | undefined;
  #stream: MediaStream | undefined;
  #transport: Transport | undefined;
  #producers = new Map<MediaTrack, Producer>();
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #startedAt = Date.now();
  #welcome: AgentWelcome | undefined;
  #lastError: string | undefined;
  #sent = { bytes: 0, at: 0 };

  constructor(options: BrowserPublisherOptions) {
    super();
    this.#options = options;
  }

  start(): void {
    this.#stopped = false;
    this.emit('state', 'connecting');
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#retry);
    this.#teardownMedia();
    this.#stream?.getTracks().forEach((t) => t.stop());
    this.#stream = undefined;
    this.#ws?.close(1000, 'stopped');
    this.emit('state', 'stopped');
  }

  #connect(): void {
    const url = new URL('/ws/agent', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    this.#ws = ws;
    const peer = new Peer<AgentToServer, ServerToAgent>({
      socket: { send: (text) => ws.send(text) },
      outgoing: agentToServer,
      incoming: serverToAgent,
      onNotification: (n) => {
        switch (n.name) {
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- one member today
          case 'republish':
            void this.#publish(peer.api(), undefined);
            return;
          default:
            assertNever(n.name, 'agent notification');
        }
      },
    });
    ws.onmessage = (event: MessageEvent<unknown>) => {
      if (typeof event.data === 'string') peer.receive(event.data);
    };
    ws.onopen = () => {
      const api = peer.api();
      api
        .requestHello({
          protocolVersion: AGENT_PROTOCOL_VERSION,
          counterId: this.#options.counterId,
          token: this.#options.token,
          publisher: 'browser',
          agentVersion: 'browser-0.1.0',
        })
        .then((welcome) => this.#publish(api, welcome))
        .catch((error: unknown) => {
          this.#lastError = error instanceof Error ? error.message : String(error);
          this.emit('state', 'reconnecting', this.#lastError);
          ws.close();
        });
    };
    ws.onclose = () => {
      peer.close();
      this.#teardownMedia();
      if (this.#stopped) return;
      // Keep showing why the last attempt failed (a wrong token stays wrong).
      this.emit('state', 'reconnecting', this.#lastError);
      this.#retry = setTimeout(() => this.#connect(), this.#backoff.next());
    };
  }

  async #publish(api: ProtocolApi<AgentToServer>, welcome: AgentWelcome | undefined): Promise<void> {
    if (welcome) this.#welcome = welcome;
    const w = this.#welcome;
    if (!w) return;
    this.#teardownMedia();
    const [grid, focus] = w.renditions;
    if (!grid || !focus) throw new Error('server sent no renditions');
    if (!this.#stream) {
      this.#stream = await navigator.mediaDevices.getUserMedia({
        video: {
          deviceId: this.#options.videoDeviceId ? { exact: this.#options.videoDeviceId } : undefined,
          width: { ideal: focus.width },
          height: { ideal: focus.height },
          frameRate: { ideal: focus.fps },
        },
        audio:
          this.#options.audioDeviceId === 'none'
            ? false
            : { deviceId: this.#options.audioDeviceId ? { exact: this.#options.audioDeviceId } : undefined },
      });
    }
    const { rtpCapabilities } = await api.requestRouterCapabilities({});
    const device = new Device();
    await device.load({ routerRtpCapabilities: rtpCapabilities });
    const info = await api.requestCreateSendTransport({});
    const transport = device.createSendTransport({
      id: info.transportId,
      iceParameters: info.iceParameters,
      iceCandidates: info.iceCandidates as unknown as Parameters<
        Device['createSendTransport']
      >[0]['iceCandidates'],
      dtlsParameters: info.dtlsParameters, // the protocol schema checks the hash function names
    });
    this.#transport = transport;
    transport.on('connect', ({ dtlsParameters }, callback, errback) => {
      api
        .requestConnectSendTransport({
          dtlsParameters: dtlsParameters,
        })
        .then(() => callback(), errback);
    });
    transport.on('produce', ({ kind, rtpParameters, appData }, callback, errback) => {
      const track = appData.track as MediaTrack;
      api
        .requestProduce({ track, kind, rtpParameters: rtpParameters })
        .then(({ producerId }) => callback({ id: producerId }), errback);
    });

    const video = this.#stream.getVideoTracks()[0];
    const audio = this.#stream.getAudioTracks()[0];
    if (!video) throw new Error('no camera track');
    const settings = video.getSettings();
    const height = settings.height ?? focus.height;
    this.#producers.set(
      'focus',
      await transport.produce({
        track: video,
        encodings: [{ maxBitrate: focus.bitrateKbps * 1000, maxFramerate: focus.fps }],
        stopTracks: false,
        appData: { track: 'focus' },
      }),
    );
    this.#producers.set(
      'grid',
      await transport.produce({
        track: video.clone(),
        encodings: [
          {
            maxBitrate: grid.bitrateKbps * 1000,
            maxFramerate: grid.fps,
            scaleResolutionDownBy: Math.max(1, height / grid.height),
          },
        ],
        appData: { track: 'grid' },
      }),
    );
    if (audio) {
      this.#producers.set(
        'audio',
        await transport.produce({ track: audio, stopTracks: false, appData: { track: 'audio' } }),
      );
    }
    this.#backoff.reset();
    this.#lastError = undefined;
    this.emit('state', 'live');
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => {
      void this.#health().then((health) => api.notifyHeartbeat(health));
    }, w.heartbeatIntervalMs);
  }

  async #health(): Promise<AgentHealth> {
    let fps: number | null = null;
    let bytes = 0;
    let bitrateKbps: number | null = null;
    const focus = this.#producers.get('focus');
    if (focus && !focus.closed) {
      const report = await focus.getStats();
      report.forEach((s: { type?: string; framesPerSecond?: number; bytesSent?: number }) => {
        if (s.type === 'outbound-rtp') {
          fps = s.framesPerSecond ?? fps;
          bytes += s.bytesSent ?? 0;
        }
      });
    }
    const now = Date.now();
    if (this.#sent.at > 0 && bytes >= this.#sent.bytes) {
      bitrateKbps = Math.round(((bytes - this.#sent.bytes) * 8) / Math.max(1, now - this.#sent.at));
    }
    this.#sent = { bytes, at: now };
    return {
      encoder: { state: 'running', restarts: 0, fps, bitrateKbps, lastExit: null },
      outbox: { pending: 0, capacity: 0, full: false },
      uptimeSeconds: Math.round((Date.now() - this.#startedAt) / 1000),
    };
  }

  #teardownMedia(): void {
    clearInterval(this.#heartbeat);
    for (const producer of this.#producers.values()) producer.close();
    this.#producers.clear();
    this.#transport?.close();
    this.#transport = undefined;
  }
}
