import type { ChecklistItem, ChecklistResult, Inspection } from '@counterwatch/shared';

export interface ReportRow {
  item: ChecklistItem;
  /** null: the inspection has not ended, or the item was added after it did not answer it. */
  result: ChecklistResult | null;
}

export interface ReportSummary {
  rows: ReportRow[];
  counts: Record<ChecklistResult | 'unanswered', number>;
  /** Milliseconds from start to end; null while it runs. */
  durationMs: number | null;
}

/** The report's checklist in the inspection's own order (the list as it was when it started), with counts. */
export function summarise(
  inspection: Pick<Inspection, 'checklist' | 'results' | 'startedAt' | 'endedAt'>,
): ReportSummary {
  const counts = { pass: 0, fail: 0, not_observed: 0, unanswered: 0 };
  const rows = inspection.checklist.map((item) => {
    const result = inspection.results[item.id] ?? null;
    counts[result ?? 'unanswered'] += 1;
    return { item, result };
  });
  return {
    rows,
    counts,
    durationMs: inspection.endedAt === null ? null : Math.max(0, inspection.endedAt - inspection.startedAt),
  };
}

/** Items nobody marked are on record as not observed: a report has no blanks. */
export function completeResults(
  checklistIds: readonly string[],
  results: Partial<Record<string, ChecklistResult>>,
): Record<string, ChecklistResult> {
  const complete: Record<string, ChecklistResult> = {};
  for (const id of checklistIds) complete[id] = results[id] ?? 'not_observed';
  return complete;
}

/** The officer inspected: the one signed in at the panel (with badge), else the name the inspector typed. */
export function officerLabel(
  inspection: Pick<Inspection, 'officer' | 'officerName'>,
  badgeWord: string,
): string | null {
  if (inspection.officer)
    return `${inspection.officer.displayName} (${badgeWord} ${inspection.officer.badgeNumber})`;
  return inspection.officerName;
}
