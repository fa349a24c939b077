import type { HistoryPoint, MetricsHistory } from '@counterwatch/shared';

export interface QueueChartRow {
  at: number;
  /** People waiting (peak of the bucket). */
  queue: number;
  /** Longest wait in minutes (peak of the bucket), null before anyone waited. */
  longestMin: number | null;
  /** Mean wait in minutes (latest of the bucket). */
  meanMin: number | null;
}

/**
 * A day of 10-second points is up to 8 640 rows; an SVG line chart needs
 * far fewer. Points are grouped into at most `maxRows` buckets keeping the
 * peaks (a supervisor wants to see the worst moment, not an average that hides it).
 */
export function queueChartRows(points: readonly HistoryPoint[], maxRows = 720): QueueChartRow[] {
  const size = Math.max(1, Math.ceil(points.length / maxRows));
  const rows: QueueChartRow[] = [];
  for (let i = 0; i < points.length; i += size) {
    const bucket = points.slice(i, i + size);
    const first = bucket[0];
    if (!first) continue;
    let queue = 0;
    let longest: number | null = null;
    let mean: number | null = null;
    for (const p of bucket) {
      queue = Math.max(queue, p.queueLength);
      if (p.longestWaitSeconds !== null) longest = Math.max(longest ?? 0, p.longestWaitSeconds);
      if (p.meanWaitSeconds !== null) mean = p.meanWaitSeconds;
    }
    rows.push({ at: first.at, queue, longestMin: toMinutes(longest), meanMin: toMinutes(mean) });
  }
  return rows;
}

function toMinutes(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds / 6) / 10;
}

export interface ServedHourRow {
  /** Local hour, "08". */
  hour: string;
  /** Tickets finished in that hour, per counter id. */
  values: Record<string, number>;
  total: number;
}

/** `servedByHour` ({ counter: { "08": 5 } }) turned into one row per hour, hours in order. */
export function servedByHourRows(servedByHour: MetricsHistory['servedByHour']): {
  rows: ServedHourRow[];
  counterIds: string[];
} {
  const byHour = new Map<string, Record<string, number>>();
  const counterIds: string[] = [];
  for (const [counterId, hours] of Object.entries(servedByHour)) {
    let any = false;
    for (const [hour, count] of Object.entries(hours)) {
      if (count <= 0) continue;
      any = true;
      const key = hour.padStart(2, '0');
      const row = byHour.get(key) ?? {};
      row[counterId] = (row[counterId] ?? 0) + count;
      byHour.set(key, row);
    }
    if (any) counterIds.push(counterId);
  }
  const hours = [...byHour.keys()].sort();
  // Fill the gaps between the first and last hour, so an idle lunch hour shows as an empty bar.
  const first = Number(hours[0]);
  const last = Number(hours[hours.length - 1]);
  const rows: ServedHourRow[] = [];
  if (hours.length > 0 && Number.isInteger(first) && Number.isInteger(last)) {
    for (let h = first; h <= last; h++) {
      const hour = String(h).padStart(2, '0');
      const values = byHour.get(hour) ?? {};
      rows.push({ hour, values, total: Object.values(values).reduce((a, b) => a + b, 0) });
    }
  } else {
    for (const hour of hours) {
      const values = byHour.get(hour) ?? {};
      rows.push({ hour, values, total: Object.values(values).reduce((a, b) => a + b, 0) });
    }
  }
  return { rows, counterIds };
}

/** Full local hours (Asia/Ho_Chi_Minh, UTC+7 all year) between two instants, at most about `maxTicks`. */
export function hourTicks(from: number, to: number, maxTicks = 12): number[] {
  const hour = 3_600_000;
  const zoneOffset = 7 * hour;
  const span = Math.max(0, to - from);
  const step = Math.max(1, Math.ceil(span / hour / maxTicks)) * hour;
  const ticks: number[] = [];
  for (let t = Math.ceil((from + zoneOffset) / step) * step - zoneOffset; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** Distinct colours for stacked counters on the dark theme. */
export const SERIES_COLOURS = [
  '#60a5fa',
  '#34d399',
  '#fbbf24',
  '#f472b6',
  '#a78bfa',
  '#f87171',
  '#2dd4bf',
  '#fb923c',
  '#a3e635',
  '#e879f9',
] as const;

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length] ?? '#60a5fa';
}
