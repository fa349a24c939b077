import type { SegmentListEntry } from './segmentList.js';

/** What a recorder run knows of where ffmpeg's timeline lies on the wall clock. */
export interface RunTimeline {
  /** When the consumers were resumed: no packet reached ffmpeg before. */
  resumedAt: number | null;
  /** Wall time of ffmpeg's timeline zero, fixed by the first segment (see segmentSpan). */
  anchor: number | null;
  /** Where the last filed segment ended. */
  lastEndedAt: number | null;
}

export interface SegmentSpan {
  /** The run's anchor: the one it had, or the one this first segment fixes. */
  anchor: number;
  startedAt: number;
  endedAt: number;
  /** How long after the segment's end its list line arrived: the timeline's drift from the wall clock. */
  lagMs: number;
}

/**
 * A completed segment's wall-clock times: ffmpeg's offsets plus the anchor
 * (the wall time of its timeline zero). ffmpeg's zero is its first packet,
 * rebased on the first RTCP sender report, so it can trail the resume by up
 * to a keyframe interval. The first list line comes a few ms after the
 * segment's last packet (10–30 ms measured here), so anchor = that line's
 * arrival − the segment's end offset, never before the resume. Later
 * segments keep that anchor; the publisher's clock drifting from ours (tens
 * of ppm: well under a second per 8-hour day) shows in `lagMs`. A segment
 * never starts before the previous one ended.
 */
export function segmentSpan(timeline: RunTimeline, entry: SegmentListEntry, receivedAt: number): SegmentSpan {
  const anchor =
    timeline.anchor ?? Math.max(timeline.resumedAt ?? 0, receivedAt - Math.round(entry.end * 1000));
  const endedAt = anchor + Math.round(entry.end * 1000);
  const startedAt = Math.min(
    endedAt,
    Math.max(anchor + Math.round(entry.start * 1000), timeline.lastEndedAt ?? Number.NEGATIVE_INFINITY),
  );
  return { anchor, startedAt, endedAt, lagMs: receivedAt - endedAt };
}

/** Where the first segment a run left unfinished starts, when the run knows: else its file times tell. */
export function salvageStart(timeline: RunTimeline): number | null {
  return timeline.lastEndedAt ?? timeline.anchor ?? timeline.resumedAt;
}
