import type { Inspection, InspectionDraftResponse } from '@counterwatch/shared';
import type { InspectionRecord, ObservationRecord } from '../storage/Storage.js';

/** The audit row fields that name an inspection: its department, counter and id. */
export function inspectionTarget(inspection: { id: number; departmentId: string; counterId: string }): {
  departmentId: string;
  counterId: string;
  objectType: 'inspection';
  objectId: number;
} {
  return {
    departmentId: inspection.departmentId,
    counterId: inspection.counterId,
    objectType: 'inspection',
    objectId: inspection.id,
  };
}

/** The shared view of a record, with still URLs the API serves. */
export function inspectionView(
  record: InspectionRecord,
  counterName: string,
  observations: readonly ObservationRecord[],
): Inspection {
  return {
    id: record.id,
    departmentId: record.departmentId,
    counterId: record.counterId,
    counterName,
    inspector: record.inspector,
    inspectorName: record.inspectorName ?? record.inspector,
    officer: record.officer,
    officerName: record.officerName,
    startedAt: record.startedAt,
    endedAt: record.endedAt,
    endedAutomatically: record.endedAutomatically,
    checklist: record.checklist,
    results: record.results,
    notes: record.notes,
    observations: observations.map((o) => ({
      id: o.id,
      at: o.at,
      note: o.note,
      stillUrl: o.stillPath ? `/api/v1/inspections/${record.id}/observations/${o.id}/still` : null,
    })),
  };
}

/** The inspector's draft, or an empty one (with the officer's name as recorded) before the first save. */
export function draftResponse(inspection: InspectionRecord): InspectionDraftResponse {
  return {
    draft: inspection.draft ?? { results: {}, notes: '', officerName: inspection.officerName ?? '' },
    savedAt: inspection.draftSavedAt,
  };
}

/** What an inspection left open ends with: what the inspector had typed, so nothing typed is lost. */
export function automaticEnd(record: InspectionRecord): {
  results: InspectionRecord['results'];
  notes: string;
  officerName: string | null;
} {
  const draft = record.draft;
  const officer = draft?.officerName.trim();
  return {
    results: draft?.results ?? record.results,
    notes: draft?.notes ?? record.notes,
    officerName: officer ? officer : null,
  };
}

/** The maximum duration in minutes, to two decimals, as the automatic end's audit row gives it. */
export function maxMinutes(maxDurationMs: number): number {
  return Math.round((maxDurationMs / 60_000) * 100) / 100;
}
