import type { types } from 'mediasoup';
import { TypedEmitter, type MediaTrack } from '@counterwatch/shared';
import type { CounterIngest } from './CounterIngest.js';

export type LiveMediaEvents = {
  /** A counter's set of consumable tracks (or its epoch) changed. */
  changed: [counterId: string];
};

export interface LiveTrack {
  producer: types.Producer;
  departmentId: string;
  epoch: number;
}

/**
 * Which counters are publishing now, and their producers. Ingests register
 * here; viewers look producers up here. A counter's epoch grows with every
 * new ingest so viewers can tell stale consumers from fresh ones.
 */
export class LiveMedia extends TypedEmitter<LiveMediaEvents> {
  readonly #current = new Map<string, { ingest: CounterIngest; epoch: number }>();
  readonly #epochs = new Map<string, number>();

  /** Makes `ingest` the counter's live media; returns its epoch. */
  attach(ingest: CounterIngest): number {
    const epoch = (this.#epochs.get(ingest.counterId) ?? 0) + 1;
    this.#epochs.set(ingest.counterId, epoch);
    const previous = this.#current.get(ingest.counterId);
    this.#current.set(ingest.counterId, { ingest, epoch });
    previous?.ingest.close('superseded');
    const onProducer = (): void => {
      if (this.#current.get(ingest.counterId)?.ingest === ingest) this.emit('changed', ingest.counterId);
    };
    ingest.on('producer', onProducer);
    ingest.once('closed', () => {
      ingest.off('producer', onProducer);
      if (this.#current.get(ingest.counterId)?.ingest !== ingest) return;
      this.#current.delete(ingest.counterId);
      this.emit('changed', ingest.counterId);
    });
    this.emit('changed', ingest.counterId);
    return epoch;
  }

  ingest(counterId: string): CounterIngest | undefined {
    return this.#current.get(counterId)?.ingest;
  }

  epoch(counterId: string): number {
    return this.#epochs.get(counterId) ?? 0;
  }

  tracks(counterId: string): MediaTrack[] {
    return this.#current.get(counterId)?.ingest.tracks() ?? [];
  }

  lookup(counterId: string, track: MediaTrack): LiveTrack | undefined {
    const entry = this.#current.get(counterId);
    const producer = entry?.ingest.producer(track);
    if (!entry || !producer || producer.closed) return undefined;
    return { producer, departmentId: entry.ingest.departmentId, epoch: entry.epoch };
  }

  counters(): string[] {
    return [...this.#current.keys()];
  }

  /** Each publishing counter's transport stats, as they come (one failing does not stop the rest). */
  async pollStats(
    onStats: (counterId: string, stats: Awaited<ReturnType<CounterIngest['stats']>>) => void,
    onError: (counterId: string, error: unknown) => void,
  ): Promise<void> {
    for (const [counterId, { ingest }] of [...this.#current]) {
      if (ingest.closed) continue;
      try {
        onStats(counterId, await ingest.stats());
      } catch (error) {
        onError(counterId, error);
      }
    }
  }
}
