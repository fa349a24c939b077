import {
  TypedEmitter,
  type AgentHealth,
  type CounterMedia,
  type MediaStats,
  type MediaTrack,
  type PublisherKind,
  type Clock,
} from '@counterwatch/shared';

export type MediaStatusBoardEvents = {
  /** Counters whose media state changed since the last flush (at most one flush per interval). */
  changed: [counterIds: string[]];
};

export interface MediaStatusBoardOptions {
  /** How long "reconnecting" lasts before a silent counter is "offline". */
  reconnectGraceMs: number;
  /** Patches go out at most this often. */
  flushIntervalMs?: number;
  /** The injected clock. */
  now: Clock;
}

interface Entry {
  media: CounterMedia;
  graceTimer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * The live media state of every counter: online / reconnecting / offline,
 * what can be consumed, bitrate, fps, loss, and the agent's own health.
 * Changes are coalesced and announced at most once per flush interval.
 */
export class MediaStatusBoard extends TypedEmitter<MediaStatusBoardEvents> {
  readonly #entries = new Map<string, Entry>();
  readonly #dirty = new Set<string>();
  readonly #graceMs: number;
  readonly #flushMs: number;
  readonly #now: Clock;
  readonly #startedAt: number;
  #flushTimer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(options: MediaStatusBoardOptions) {
    super();
    this.#graceMs = options.reconnectGraceMs;
    this.#flushMs = options.flushIntervalMs ?? 500;
    this.#now = options.now;
    this.#startedAt = this.#now();
  }

  get(counterId: string): CounterMedia {
    // Never seen since we started: offline as far as we know, since we started (not since 1970).
    return this.#entries.get(counterId)?.media ?? offline(this.#startedAt);
  }

  /** The counter's consumable tracks changed (published, producer added, media lost). */
  setTracks(
    counterId: string,
    update: { tracks: MediaTrack[]; epoch: number; publisher: PublisherKind | null },
  ): void {
    const entry = this.#entry(counterId);
    const before = entry.media;
    if (update.tracks.length > 0) {
      this.#clearGrace(entry);
      entry.media = {
        ...before,
        status: 'online',
        since: before.status === 'online' ? before.since : this.#now(),
        tracks: update.tracks,
        epoch: update.epoch,
        publisher: update.publisher,
      };
    } else if (before.status === 'online') {
      // Media just went away: give the agent the grace period to come back.
      entry.media = {
        ...before,
        status: 'reconnecting',
        since: this.#now(),
        tracks: [],
        stats: null,
        epoch: update.epoch,
      };
      this.#startGrace(counterId, entry);
    } else {
      entry.media = { ...before, tracks: [], epoch: update.epoch };
    }
    this.#markDirty(counterId);
  }

  /** The counter's agent or publisher was refused its token: until one is accepted, that is why it is offline. */
  credentialRefused(counterId: string): void {
    const entry = this.#entry(counterId);
    entry.media = { ...entry.media, credentialRefusedAt: this.#now() };
    this.#markDirty(counterId);
  }

  /** An agent authenticated for the counter: any earlier refusal is over. */
  credentialAccepted(counterId: string): void {
    const entry = this.#entries.get(counterId);
    if (!entry || entry.media.credentialRefusedAt === undefined || entry.media.credentialRefusedAt === null)
      return;
    entry.media = { ...entry.media, credentialRefusedAt: null };
    this.#markDirty(counterId);
  }

  /** The agent's socket closed: its health report is stale (its media is closed separately). */
  agentGone(counterId: string): void {
    const entry = this.#entry(counterId);
    entry.media = { ...entry.media, agent: null };
    this.#markDirty(counterId);
  }

  setAgentHealth(counterId: string, health: AgentHealth): void {
    const entry = this.#entry(counterId);
    entry.media = { ...entry.media, agent: health };
    if (entry.media.stats)
      entry.media = { ...entry.media, stats: { ...entry.media.stats, fps: health.encoder.fps } };
    this.#markDirty(counterId);
  }

  setStats(counterId: string, stats: Omit<MediaStats, 'fps'>): void {
    const entry = this.#entry(counterId);
    if (entry.media.status !== 'online') return;
    const fps = entry.media.agent?.encoder.fps ?? null;
    entry.media = { ...entry.media, stats: { ...stats, fps } };
    this.#markDirty(counterId);
  }

  /** The recorder's view of this counter: writing, in a gap, failing, or off. */
  setRecording(counterId: string, recording: CounterMedia['recording']): void {
    const entry = this.#entry(counterId);
    if (entry.media.recording === recording) return;
    entry.media = { ...entry.media, recording };
    this.#markDirty(counterId);
  }

  /** Forget a counter removed from the directory. */
  remove(counterId: string): void {
    const entry = this.#entries.get(counterId);
    if (entry) this.#clearGrace(entry);
    this.#entries.delete(counterId);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const entry of this.#entries.values()) this.#clearGrace(entry);
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
  }

  #entry(counterId: string): Entry {
    let entry = this.#entries.get(counterId);
    if (!entry) {
      entry = { media: offline(this.#startedAt), graceTimer: undefined };
      this.#entries.set(counterId, entry);
    }
    return entry;
  }

  #startGrace(counterId: string, entry: Entry): void {
    this.#clearGrace(entry);
    if (this.#closed) return;
    entry.graceTimer = setTimeout(() => {
      entry.graceTimer = undefined;
      if (entry.media.status !== 'reconnecting') return;
      entry.media = { ...entry.media, status: 'offline', since: this.#now(), stats: null };
      this.#markDirty(counterId);
    }, this.#graceMs);
  }

  #clearGrace(entry: Entry): void {
    if (entry.graceTimer) clearTimeout(entry.graceTimer);
    entry.graceTimer = undefined;
  }

  #markDirty(counterId: string): void {
    if (this.#closed) return;
    this.#dirty.add(counterId);
    this.#flushTimer ??= setTimeout(() => {
      this.#flushTimer = undefined;
      const ids = [...this.#dirty];
      this.#dirty.clear();
      if (ids.length > 0) this.emit('changed', ids);
    }, this.#flushMs);
  }
}

function offline(since: number): CounterMedia {
  return {
    status: 'offline',
    since,
    publisher: null,
    tracks: [],
    epoch: 0,
    stats: null,
    agent: null,
    recording: 'off',
  };
}
