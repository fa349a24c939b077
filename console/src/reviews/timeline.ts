import type { Interaction } from '@counterwatch/shared';

/**
 * The review player's arithmetic: where events sit on the clip, seeking,
 * speeds and keys. The clip covers [from, to] in epoch ms, so an event at
 * time t plays at (t − from) / 1000 seconds.
 */
export const SPEEDS = [0.5, 1, 1.5, 2, 4] as const;
export type Speed = (typeof SPEEDS)[number];

export type MarkerKind = 'called' | 'started' | 'finished' | 'rating' | 'flag';

export interface Marker {
  kind: MarkerKind;
  /** Epoch ms of the event. */
  at: number;
  /** Seconds into the clip. */
  offset: number;
  /** The flag's reason, for flag markers. */
  reason?: Interaction['flags'][number]['reason'];
}

/** The clip's length: the video's own when it knows it (a live-cut WebM may not), else the span asked for. */
export function clipDuration(videoDuration: number, span: { from: number; to: number }): number {
  if (Number.isFinite(videoDuration) && videoDuration > 0) return videoDuration;
  return Math.max(0, (span.to - span.from) / 1000);
}

/**
 * The events of an interaction on the clip, in time order. The rating has no
 * time of its own in the interaction: the unsatisfied-rating flag's time
 * stands in (it is raised when the rating arrives); a satisfied or neutral
 * rating has no marker.
 */
export function markers(
  interaction: Pick<Interaction, 'calledAt' | 'startedAt' | 'finishedAt' | 'flags'>,
  span: { from: number; to: number },
  duration: number,
): Marker[] {
  const list: Marker[] = [];
  const add = (kind: MarkerKind, at: number | null, reason?: Marker['reason']): void => {
    if (at === null) return;
    const offset = (at - span.from) / 1000;
    if (offset < 0 || offset > duration) return; // outside the recording
    list.push(reason === undefined ? { kind, at, offset } : { kind, at, offset, reason });
  };
  add('called', interaction.calledAt);
  add('started', interaction.startedAt);
  add('finished', interaction.finishedAt);
  const ratingFlag = interaction.flags.find((f) => f.reason === 'unsatisfied_rating');
  add('rating', ratingFlag?.at ?? null);
  for (const flag of interaction.flags) {
    // Flags raised while the service ran mark a moment; the rating's and later reviews' do not.
    if (flag.reason === 'unsatisfied_rating') continue;
    if (flag.at >= interaction.startedAt && flag.at <= interaction.finishedAt)
      add('flag', flag.at, flag.reason);
  }
  return list.sort((a, b) => a.offset - b.offset);
}

export function clampTime(seconds: number, duration: number): number {
  return Math.min(Math.max(0, seconds), Math.max(0, duration));
}

/** A click on the bar: its x position as a share of the width, to seconds. */
export function timeAtFraction(fraction: number, duration: number): number {
  return clampTime(fraction * duration, duration);
}

export function stepSpeed(current: number, direction: 1 | -1): Speed {
  const index = SPEEDS.findIndex((s) => s >= current);
  const at = index < 0 ? SPEEDS.length - 1 : index;
  const exact = SPEEDS[at] === current;
  const next = direction === 1 ? (exact ? at + 1 : at) : at - 1;
  return SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, next))] ?? 1;
}

export type PlayerCommand =
  | { type: 'toggle' }
  | { type: 'seekBy'; seconds: number }
  | { type: 'seekTo'; where: 'start' | 'end' }
  | { type: 'speed'; direction: 1 | -1 };

/** The player's keys: Space, ←/→ (±5 s, with Shift ±1 s), [ and ], Home and End. */
export function playerCommand(event: { key: string; shiftKey: boolean }): PlayerCommand | null {
  switch (event.key) {
    case ' ':
      return { type: 'toggle' };
    case 'ArrowLeft':
      return { type: 'seekBy', seconds: event.shiftKey ? -1 : -5 };
    case 'ArrowRight':
      return { type: 'seekBy', seconds: event.shiftKey ? 1 : 5 };
    case '[':
      return { type: 'speed', direction: -1 };
    case ']':
      return { type: 'speed', direction: 1 };
    case 'Home':
      return { type: 'seekTo', where: 'start' };
    case 'End':
      return { type: 'seekTo', where: 'end' };
    default:
      return null;
  }
}
