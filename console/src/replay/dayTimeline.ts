import { businessDayStart, zoneOffsetMs, type Interaction, type RecordedSpan } from '@counterwatch/shared';

/**
 * The replay's arithmetic: which business day the timeline shows, where a
 * time sits on it, and which clip a click or a service asks for. Times are
 * epoch ms; the day runs from 04:00 Vietnam time (the business day).
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A click on the timeline plays from a little before the moment, for this long. */
export const PICK_BEFORE_MS = 30_000;
export const PICK_LENGTH_MS = 5 * 60_000;
/** A service plays from a little before it was called to a little after it ended. */
export const SERVICE_MARGIN_MS = 30_000;
/** The server's limit on one clip (MAX_PLAYBACK_MS): longer services play their first half hour. */
const MAX_CLIP_MS = 30 * 60_000;

export interface DayWindow {
  /** Start of the business day shown. */
  from: number;
  /** Its end, or now for today. */
  to: number;
}

/** The business day `daysBack` days before the one containing `now`, up to now. */
export function dayWindow(now: number, daysBack = 0): DayWindow {
  const from = businessDayStart(now) - daysBack * DAY;
  return { from, to: Math.min(now, from + DAY) };
}

/** Where `at` sits on the window, 0…1 (clamped). */
export function fractionOf(at: number, window: DayWindow): number {
  const length = window.to - window.from;
  if (length <= 0) return 0;
  return Math.min(1, Math.max(0, (at - window.from) / length));
}

export function timeAt(fraction: number, window: DayWindow): number {
  return Math.round(window.from + Math.min(1, Math.max(0, fraction)) * (window.to - window.from));
}

/** The clip a click at `at` asks for: from a little before, five minutes, within the day and before now. */
export function clipAround(at: number, window: DayWindow): DayWindow {
  const from = Math.max(window.from, at - PICK_BEFORE_MS);
  return { from, to: Math.min(window.to, from + PICK_LENGTH_MS) };
}

/** The clip of one service: called (or started) − 30 s to finished + 30 s, at most the server's limit. */
export function serviceClip(i: Pick<Interaction, 'calledAt' | 'startedAt' | 'finishedAt'>): DayWindow {
  const from = (i.calledAt ?? i.startedAt) - SERVICE_MARGIN_MS;
  return { from, to: Math.min(i.finishedAt + SERVICE_MARGIN_MS, from + MAX_CLIP_MS) };
}

/** Whether any recorded span covers `at`. */
export function isRecorded(at: number, spans: readonly RecordedSpan[]): boolean {
  return spans.some((s) => at >= s.from && at <= s.to);
}

/** Full local hours inside the window, for the scale under the bar. */
export function hourMarks(window: DayWindow): { at: number; hour: number }[] {
  const offset = zoneOffsetMs(window.from);
  const first = Math.ceil((window.from + offset) / HOUR) * HOUR - offset;
  const marks: { at: number; hour: number }[] = [];
  for (let at = first; at <= window.to; at += HOUR)
    marks.push({ at, hour: new Date(at + offset).getUTCHours() });
  return marks;
}
