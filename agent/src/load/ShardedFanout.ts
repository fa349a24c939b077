import type { ChildProcess } from 'node:child_process';
import { z } from 'zod';
import { RtpFanout, type FanoutTarget, type FanoutTrack } from './RtpFanout.js';

/** What the load publisher needs of its relay: RtpFanout, or this one spread over processes. */
export interface Fanout {
  inputPort(track: FanoutTrack): number;
  set(counterId: string, track: FanoutTrack, target: FanoutTarget): void;
  remove(counterId: string): void;
  sample(): ReturnType<RtpFanout['sample']>;
  close(): void;
}

const Ports = z.object({
  grid: z.number().int().min(1).max(65535),
  focus: z.number().int().min(1).max(65535),
  audio: z.number().int().min(1).max(65535),
});
/** Shard → publisher. */
export const FromShard = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ports'), ports: Ports }),
  z.object({
    type: z.literal('sample'),
    bytes: z.array(z.tuple([z.string(), z.number()])),
    packetsOut: z.number(),
    sendErrors: z.number(),
  }),
]);
const Target = z.object({
  host: z.string(),
  port: z.number().int().min(1).max(65535),
  ssrc: z.number().int(),
  payloadType: z.number().int(),
  key: z.string(),
});
/** Publisher → shard. */
export const ToShard = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('set'),
    counterId: z.string(),
    track: z.enum(['grid', 'focus', 'audio']),
    target: Target,
  }),
  z.object({ type: z.literal('remove'), counterId: z.string() }),
]);
export type ToShardMessage = z.infer<typeof ToShard>;

/**
 * The relay spread over processes: the encoder's packets arrive here and go
 * on, unprotected, to every shard; each counter's copies are protected and
 * sent by one shard (counters dealt out in turn as they first publish). This
 * process keeps only the counters' connections, so its event loop stays
 * free for their heartbeats and answers however busy the shards are.
 */
export class ShardedFanout implements Fanout {
  readonly #local: RtpFanout;
  readonly #shards: ChildProcess[];
  readonly #shardOf = new Map<string, number>();
  #next = 0;
  /** Shard reports since the last `sample()`. */
  #bytes = new Map<string, number>();
  #packetsOut = 0;
  #sendErrors = 0;

  private constructor(local: RtpFanout, shards: ChildProcess[]) {
    this.#local = local;
    this.#shards = shards;
  }

  /** Starts `count` shards with `spawnShard` (a forked process with an IPC channel) and waits for their ports. */
  static async create(count: number, spawnShard: () => ChildProcess): Promise<ShardedFanout> {
    const local = await RtpFanout.create();
    const shards: ChildProcess[] = [];
    const fanout = new ShardedFanout(local, shards);
    try {
      for (let i = 0; i < count; i++) {
        const child = spawnShard();
        shards.push(child);
        const ports = await new Promise<z.infer<typeof Ports>>((resolve, reject) => {
          child.once('exit', () => reject(new Error('a relay shard exited before starting')));
          child.on('message', (message) => {
            const parsed = FromShard.safeParse(message);
            if (!parsed.success) return;
            if (parsed.data.type === 'ports') resolve(parsed.data.ports);
            else fanout.#onSample(parsed.data);
          });
        });
        local.addRelay(ports);
      }
    } catch (error) {
      fanout.close();
      throw error;
    }
    return fanout;
  }

  get pids(): number[] {
    return this.#shards.flatMap((c) => (c.pid ? [c.pid] : []));
  }

  inputPort(track: FanoutTrack): number {
    return this.#local.inputPort(track);
  }

  set(counterId: string, track: FanoutTrack, target: FanoutTarget): void {
    let shard = this.#shardOf.get(counterId);
    if (shard === undefined) {
      shard = this.#next % this.#shards.length;
      this.#next += 1;
      this.#shardOf.set(counterId, shard);
    }
    this.#send(shard, { type: 'set', counterId, track, target });
  }

  remove(counterId: string): void {
    const shard = this.#shardOf.get(counterId);
    if (shard !== undefined) this.#send(shard, { type: 'remove', counterId });
  }

  sample(): ReturnType<RtpFanout['sample']> {
    const { frames } = this.#local.sample();
    const sample = { frames, bytes: this.#bytes, packetsOut: this.#packetsOut, sendErrors: this.#sendErrors };
    this.#bytes = new Map();
    this.#packetsOut = 0;
    this.#sendErrors = 0;
    return sample;
  }

  close(): void {
    this.#local.close();
    for (const child of this.#shards)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }

  #send(shard: number, message: ToShardMessage): void {
    const child = this.#shards[shard];
    if (child?.connected) child.send(message);
  }

  #onSample(report: Extract<z.infer<typeof FromShard>, { type: 'sample' }>): void {
    for (const [counterId, bytes] of report.bytes)
      this.#bytes.set(counterId, (this.#bytes.get(counterId) ?? 0) + bytes);
    this.#packetsOut += report.packetsOut;
    this.#sendErrors += report.sendErrors;
  }
}

/**
 * A shard's side, in a forked process: its own relay, fed by the publisher's,
 * protecting and sending the counters the publisher gives it; a report every
 * second. Ends when the publisher goes.
 */
export async function runRelayShard(): Promise<void> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('a relay shard is forked by the load publisher');
  const fanout = await RtpFanout.create();
  const timer = setInterval(() => {
    const { bytes, packetsOut, sendErrors } = fanout.sample();
    send({ type: 'sample', bytes: [...bytes], packetsOut, sendErrors });
  }, 1_000);
  const stop = (): void => {
    clearInterval(timer);
    fanout.close();
    process.exit(0);
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('message', (message) => {
    const parsed = ToShard.safeParse(message);
    if (!parsed.success) return;
    if (parsed.data.type === 'set') fanout.set(parsed.data.counterId, parsed.data.track, parsed.data.target);
    else fanout.remove(parsed.data.counterId);
  });
  send({
    type: 'ports',
    ports: {
      grid: fanout.inputPort('grid'),
      focus: fanout.inputPort('focus'),
      audio: fanout.inputPort('audio'),
    },
  });
}
