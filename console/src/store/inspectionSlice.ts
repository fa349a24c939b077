import type { StateCreator } from 'zustand';
import { z } from 'zod';
import { ChecklistResultSchema, type ChecklistResult, type Inspection } from '@counterwatch/shared';
import { forget, remember, storedString } from './persist';
import type { AppState } from './store';

/** What the inspector has filled in so far; sent when the inspection ends. */
export interface InspectionDraft {
  results: Partial<Record<string, ChecklistResult>>;
  notes: string;
  officerName: string;
}

const DraftSchema = z.object({
  results: z.record(z.string(), ChecklistResultSchema),
  notes: z.string(),
  officerName: z.string(),
});

export const emptyDraft: InspectionDraft = { results: {}, notes: '', officerName: '' };

/**
 * The draft is kept on this device per inspection, so a reload or a resume
 * from the inspections list finds the answers already given.
 */
const draftKey = (inspectionId: number): string => `cw.inspectionDraft.${inspectionId}`;

export function loadDraft(inspectionId: number): InspectionDraft {
  const text = storedString(draftKey(inspectionId));
  if (text === null) return emptyDraft;
  try {
    const parsed = DraftSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : emptyDraft;
  } catch {
    return emptyDraft; // an unreadable draft is no draft; the server keeps the inspection itself
  }
}

export function forgetDraft(inspectionId: number): void {
  forget(draftKey(inspectionId));
}

export interface InspectionSlice {
  /**
   * The inspection this console runs (started or resumed here). It outlives
   * the focus view: closing it leaves the inspection open, resumable.
   */
  activeInspection: Inspection | null;
  inspectionDraft: InspectionDraft;
  /** An Inspect click on its way to the server, or why the server refused it (in words). */
  inspectionStart: { counterId: string; error: string | null } | null;
  /** Leaving the focus view (to the wall: `to` null, or to a page) during an inspection waits for a yes. */
  leaveRequest: { to: string | null } | null;
  setActiveInspection: (inspection: Inspection | null) => void;
  updateInspectionDraft: (patch: Partial<InspectionDraft>) => void;
  setInspectionStart: (start: { counterId: string; error: string | null } | null) => void;
  setLeaveRequest: (request: { to: string | null } | null) => void;
  /** Back / Esc in the focus view: closes it, or asks first while it shows a running inspection. */
  requestCloseFocus: () => boolean;
}

/** The focus view is showing the running inspection: leaving it needs a confirmation. */
export function inspectionOnScreen(state: Pick<AppState, 'activeInspection' | 'focusedCounterId'>): boolean {
  const active = state.activeInspection;
  return active !== null && active.endedAt === null && state.focusedCounterId === active.counterId;
}

export const createInspectionSlice: StateCreator<AppState, [], [], InspectionSlice> = (set, get) => ({
  activeInspection: null,
  inspectionDraft: emptyDraft,
  inspectionStart: null,
  leaveRequest: null,
  setActiveInspection: (inspection) =>
    set((s) => {
      if (inspection === null)
        return { activeInspection: null, inspectionDraft: emptyDraft, leaveRequest: null };
      // A refetch of the same inspection keeps the answers in progress.
      const same = s.activeInspection?.id === inspection.id;
      return {
        activeInspection: inspection,
        inspectionDraft: same ? s.inspectionDraft : loadDraft(inspection.id),
      };
    }),
  updateInspectionDraft: (patch) => {
    const { activeInspection, inspectionDraft } = get();
    const next = { ...inspectionDraft, ...patch };
    if (activeInspection) remember(draftKey(activeInspection.id), JSON.stringify(next));
    set({ inspectionDraft: next });
  },
  setInspectionStart: (inspectionStart) => set({ inspectionStart }),
  setLeaveRequest: (leaveRequest) => set({ leaveRequest }),
  requestCloseFocus: () => {
    const state = get();
    if (inspectionOnScreen(state)) {
      set({ leaveRequest: { to: null } });
      return false;
    }
    state.focusCounter(null);
    return true;
  },
});
