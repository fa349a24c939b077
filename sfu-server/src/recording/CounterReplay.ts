import {
  AppError,
  type Counter,
  type CounterPlaybackRequest,
  type CounterTimeline,
  type Interaction,
  type RecordedSpan,
  type User,
} from '@counterwatch/shared';
import type { Actor, AuditInput } from '../audit/AuditLog.js';
import { canWatch } from '../auth/access.js';
import type { InteractionQuery, RecordingStore, SegmentRecord } from '../storage/Storage.js';
import type { Clip } from './clips.js';

/** Segments closer than this are one span on the timeline (a restart of the recorder leaves a short gap). */
const JOIN_GAP_MS = 3_000;
/** The timeline's markers: services started in the span, at most this many. */
const MAX_MARKED = 500;

/** What the replay asks of the rest of the server (children do not import their parents). */
export interface CounterReplayHost {
  counter(id: string): Counter | undefined;
  segments: Pick<RecordingStore, 'segmentsOverlapping' | 'lastSegmentEnd'>;
  interactions(query: InteractionQuery): Promise<Interaction[]>;
  clip(counterId: string, from: number, to: number): Promise<Clip>;
  audit(input: AuditInput): Promise<unknown>;
}

/** Consecutive segments joined into the spans a timeline draws. */
export function recordedSpans(
  segments: readonly Pick<SegmentRecord, 'startedAt' | 'endedAt'>[],
): RecordedSpan[] {
  const sorted = [...segments].sort((a, b) => a.startedAt - b.startedAt);
  const spans: RecordedSpan[] = [];
  for (const s of sorted) {
    const last = spans.at(-1);
    if (last && s.startedAt - last.to <= JOIN_GAP_MS) last.to = Math.max(last.to, s.endedAt);
    else spans.push({ from: s.startedAt, to: s.endedAt });
  }
  return spans;
}

/**
 * A counter's continuous recording from its live tile: the timeline of what
 * was recorded with the services on it, and clips of any span — rewind (the
 * last minutes) or a time picked on the timeline. Whoever may watch the
 * counter live may replay it; each playback is on record before its link is
 * handed out, like a flagged interaction's.
 */
export class CounterReplay {
  readonly #host: CounterReplayHost;

  constructor(host: CounterReplayHost) {
    this.#host = host;
  }

  #counterFor(user: User, counterId: string): Counter {
    const counter = this.#host.counter(counterId);
    // Out of scope answers like a counter that does not exist: ids are not disclosed.
    if (!counter || !canWatch(user, counter.departmentId)) throw new AppError('not_found', 'no such counter');
    return counter;
  }

  async timeline(user: User, counterId: string, from: number, to: number): Promise<CounterTimeline> {
    const counter = this.#counterFor(user, counterId);
    const [segments, interactions, recordedUntil] = await Promise.all([
      this.#host.segments.segmentsOverlapping(counter.id, from, to),
      this.#host.interactions({
        departmentIds: [counter.departmentId],
        counterId: counter.id,
        from,
        to,
        limit: MAX_MARKED,
      }),
      this.#host.segments.lastSegmentEnd(counter.id),
    ]);
    return {
      counterId: counter.id,
      from,
      to,
      spans: recordedSpans(segments).map((s) => ({ from: Math.max(s.from, from), to: Math.min(s.to, to) })),
      interactions: [...interactions].sort((a, b) => a.startedAt - b.startedAt),
      recordedUntil,
    };
  }

  /**
   * A clip of the asked span. Rewind keeps the asked length but ends at the
   * newest filed segment (the one being written is not readable yet), so
   * "the last two minutes" always has two minutes of picture.
   */
  async playback(
    actor: Actor,
    user: User,
    counterId: string,
    request: CounterPlaybackRequest,
  ): Promise<Clip> {
    const counter = this.#counterFor(user, counterId);
    let { from, to } = request;
    if (request.purpose === 'rewind') {
      const until = await this.#host.segments.lastSegmentEnd(counter.id);
      if (until === null) throw new AppError('not_found', 'nothing recorded at this counter yet');
      to = Math.min(to, until);
      from = Math.max(0, to - (request.to - request.from));
    }
    const clip = await this.#host.clip(counter.id, from, to);
    await this.#host.audit({
      action: 'recording.playback',
      actor,
      departmentId: counter.departmentId,
      counterId: counter.id,
      objectType: 'counter',
      objectId: counter.id,
      details: { from: clip.from, to: clip.to, purpose: request.purpose },
    });
    return clip;
  }
}
