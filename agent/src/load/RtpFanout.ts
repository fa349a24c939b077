import dgram from 'node:dgram';
import { SrtpSender } from './srtp.js';

export type FanoutTrack = 'grid' | 'focus' | 'audio';
const TRACKS: readonly FanoutTrack[] = ['grid', 'focus', 'audio'];
/**
 * Focus packets the relay may fall behind by: a few keyframes' worth, ~5 s at
 * 500 kbit/s. A relay starved longer than that sends pictures too old to show.
 */
const MAX_FOCUS_QUEUE = 250;

export interface FanoutTarget {
  host: string;
  port: number;
  ssrc: number;
  payloadType: number;
  /** The counter's own SRTP key for this stream (base64 master key + salt). */
  key: string;
}

interface LiveTarget {
  host: string;
  port: number;
  rewrite: { ssrc: number; payloadType: number };
  sender: SrtpSender;
  bytes: number;
}

/**
 * The load publisher's relay: takes the one encoder's plain RTP per
 * rendition on a loopback port and sends a copy to every counter's ingest
 * port with that counter's SSRC and payload type, SRTP-protected with that
 * counter's key. One socket sends them all (comedia locks each transport
 * onto it). RTCP from the encoder (sent to the same port) is dropped: the
 * SFU hears no sender reports from load counters, as from a plain agent
 * without RTCP.
 *
 * Grid and sound are copied as they arrive; the focus rendition's packets
 * wait in a queue copied one packet (to every counter) per loop turn. A focus
 * keyframe is tens of packets, each copied to every counter: thousands of
 * protected copies at once held the grid back for hundreds of milliseconds,
 * so every wall tile stuttered together, which separate agents never do.
 */
export class RtpFanout {
  readonly #inputs = new Map<FanoutTrack, dgram.Socket>();
  readonly #output: dgram.Socket;
  readonly #targets = new Map<FanoutTrack, Map<string, LiveTarget>>(TRACKS.map((t) => [t, new Map()]));
  /** Video frames (RTP marker bits) per rendition since the last `sample()`. */
  readonly #frames = new Map<FanoutTrack, number>([
    ['grid', 0],
    ['focus', 0],
  ]);
  /** Other load publisher processes' input ports (see `addRelay`): they get the encoder's packets as they are. */
  readonly #relays: { host: string; ports: Record<FanoutTrack, number> }[] = [];
  /** Focus packets not yet copied, oldest first. */
  readonly #focusQueue: Buffer[] = [];
  #focusDrain: NodeJS.Immediate | undefined;
  #packetsOut = 0;
  #sendErrors = 0;
  #closed = false;

  private constructor(output: dgram.Socket) {
    this.#output = output;
  }

  static async create(host = '127.0.0.1'): Promise<RtpFanout> {
    const bind = (socket: dgram.Socket) =>
      new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, host, () => {
          socket.off('error', reject);
          resolve();
        });
      });
    // Room for a keyframe sent to every counter at once.
    const output = dgram.createSocket({ type: 'udp4', sendBufferSize: 4 * 1024 * 1024 });
    await bind(output);
    const fanout = new RtpFanout(output);
    // A lost packet on loopback is a full socket buffer; it is counted, not thrown.
    output.on('error', () => (fanout.#sendErrors += 1));
    for (const track of TRACKS) {
      const input = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
      await bind(input);
      input.on('message', (packet) => fanout.#relay(track, packet));
      fanout.#inputs.set(track, input);
    }
    return fanout;
  }

  /** The loopback port the encoder sends this rendition's RTP (and RTCP) to. */
  inputPort(track: FanoutTrack): number {
    const input = this.#inputs.get(track);
    if (!input) throw new Error('fanout closed');
    return input.address().port;
  }

  /** Starts (or replaces) a counter's copy of one rendition. */
  set(counterId: string, track: FanoutTrack, target: FanoutTarget): void {
    this.#targets.get(track)?.set(counterId, {
      host: target.host,
      port: target.port,
      rewrite: { ssrc: target.ssrc, payloadType: target.payloadType },
      sender: new SrtpSender(target.key),
      bytes: 0,
    });
  }

  /**
   * Forwards the encoder's packets, unprotected and unchanged, to another
   * fan-out's input ports (a second load publisher process on this machine):
   * one encoder feeds every process, each process protects its own counters.
   */
  addRelay(ports: Record<FanoutTrack, number>, host = '127.0.0.1'): void {
    this.#relays.push({ host, ports });
  }

  remove(counterId: string): void {
    for (const targets of this.#targets.values()) targets.delete(counterId);
  }

  get counters(): number {
    return this.#targets.get('grid')?.size ?? 0;
  }

  /** Frames per track and bytes sent per counter since the previous sample; resets the counts. */
  sample(): {
    frames: Record<'grid' | 'focus', number>;
    bytes: Map<string, number>;
    packetsOut: number;
    sendErrors: number;
  } {
    const frames = { grid: this.#frames.get('grid') ?? 0, focus: this.#frames.get('focus') ?? 0 };
    this.#frames.set('grid', 0);
    this.#frames.set('focus', 0);
    const bytes = new Map<string, number>();
    for (const targets of this.#targets.values()) {
      for (const [counterId, target] of targets) {
        bytes.set(counterId, (bytes.get(counterId) ?? 0) + target.bytes);
        target.bytes = 0;
      }
    }
    const sample = { frames, bytes, packetsOut: this.#packetsOut, sendErrors: this.#sendErrors };
    this.#packetsOut = 0;
    this.#sendErrors = 0;
    return sample;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#focusDrain) clearImmediate(this.#focusDrain);
    this.#focusQueue.length = 0;
    for (const input of this.#inputs.values()) input.close();
    this.#inputs.clear();
    this.#output.close();
  }

  #relay(track: FanoutTrack, packet: Buffer): void {
    for (const relay of this.#relays) this.#output.send(packet, relay.ports[track], relay.host);
    if (packet.length < 12 || (packet[0] ?? 0) >> 6 !== 2) return;
    const type = packet[1] ?? 0;
    if (type >= 200 && type <= 204) return; // the encoder's RTCP
    if (type & 0x80 && track !== 'audio') this.#frames.set(track, (this.#frames.get(track) ?? 0) + 1);
    if (track !== 'focus') {
      this.#copy(track, packet);
      return;
    }
    if (this.#focusQueue.length >= MAX_FOCUS_QUEUE) {
      // A relay this far behind sends stale pictures; the oldest packet goes, counted as a copy not sent.
      this.#focusQueue.shift();
      this.#sendErrors += this.#targets.get('focus')?.size ?? 0;
    }
    this.#focusQueue.push(packet);
    this.#focusDrain ??= setImmediate(() => this.#drainFocus());
  }

  #drainFocus(): void {
    this.#focusDrain = undefined;
    const packet = this.#focusQueue.shift();
    if (packet) this.#copy('focus', packet);
    if (this.#focusQueue.length > 0 && !this.#closed)
      this.#focusDrain = setImmediate(() => this.#drainFocus());
  }

  /** One packet to every counter on this track, each copy protected with its own key. */
  #copy(track: FanoutTrack, packet: Buffer): void {
    const targets = this.#targets.get(track);
    if (!targets) return;
    for (const target of targets.values()) {
      const out = target.sender.protect(packet, target.rewrite);
      target.bytes += out.length;
      this.#packetsOut += 1;
      this.#output.send(out, target.port, target.host);
    }
  }
}
