import type { StateCreator } from 'zustand';
import type { Inspection, InspectionDraft } from '@counterwatch/shared';
import type { DraftSaveState } from '../inspections/draftSaver';
import type { AppState } from './store';

export type { InspectionDraft };

export const emptyDraft: InspectionDraft = { results: {}, notes: '', officerName: '' };

/**
 * Where the draft stands with the server, which keeps it (saved as typed):
 * a closed tab, another browser or another tab resumes it exactly.
 */
export interface DraftSync {
  inspectionId: number | null;
  state: DraftSaveState;
  savedAt: number | null;
  error: string | null;
}

const noSync: DraftSync = { inspectionId: null, state: 'loading', savedAt: null, error: null };

export interface InspectionSlice {
  /**
   * The inspection this console runs (started or resumed here). It outlives
   * the focus view: closing it leaves the inspection open, resumable.
   */
  activeInspection: Inspection | null;
  /** What the inspector has typed so far (the server's copy once loaded, then as typed). */
  inspectionDraft: InspectionDraft;
  draftSync: DraftSync;
  /** An Inspect click on its way to the server, or why the server refused it (in words). */
  inspectionStart: { counterId: string; error: string | null } | null;
  /** Leaving the focus view (to the wall: `to` null, or to a page) during an inspection waits for a yes. */
  leaveRequest: { to: string | null } | null;
  setActiveInspection: (inspection: Inspection | null) => void;
  updateInspectionDraft: (patch: Partial<InspectionDraft>) => void;
  /** The server's draft arrived: it is what the form shows (for the active inspection only). */
  loadInspectionDraft: (inspectionId: number, draft: InspectionDraft, savedAt: number | null) => void;
  setDraftSync: (inspectionId: number, patch: Partial<Omit<DraftSync, 'inspectionId'>>) => void;
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
  draftSync: noSync,
  inspectionStart: null,
  leaveRequest: null,
  setActiveInspection: (inspection) =>
    set((s) => {
      if (inspection === null)
        return { activeInspection: null, inspectionDraft: emptyDraft, draftSync: noSync, leaveRequest: null };
      // A refetch of the same inspection keeps the answers in progress.
      if (s.activeInspection?.id === inspection.id) return { activeInspection: inspection };
      return {
        activeInspection: inspection,
        inspectionDraft: emptyDraft,
        draftSync: { ...noSync, inspectionId: inspection.id },
      };
    }),
  updateInspectionDraft: (patch) => {
    const { inspectionDraft, draftSync } = get();
    // Nothing is typed over a draft still on its way from the server (the form is disabled meanwhile).
    if (draftSync.inspectionId === null || draftSync.state === 'loading') return;
    set({ inspectionDraft: { ...inspectionDraft, ...patch } });
  },
  loadInspectionDraft: (inspectionId, draft, savedAt) =>
    set((s) =>
      s.activeInspection?.id === inspectionId
        ? { inspectionDraft: draft, draftSync: { inspectionId, state: 'saved', savedAt, error: null } }
        : {},
    ),
  setDraftSync: (inspectionId, patch) =>
    set((s) =>
      s.draftSync.inspectionId === inspectionId ? { draftSync: { ...s.draftSync, ...patch } } : {},
    ),
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
