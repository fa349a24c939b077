import { InspectionResponseSchema, ObservationCreatedSchema } from '@counterwatch/shared';
import type { Inspection } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { consoleRoute, navigate } from '../app/router';
import { translate } from '../i18n/i18n';
import { inspectionOnScreen, type InspectionDraft } from '../store/inspectionSlice';
import { useStore } from '../store/store';
import { flushDraftSaves, stopDraftSaves } from './draftSync';
import { inspectionPath } from './api';
import { completeResults } from './report';

/**
 * Inspection steps that outlive a component (the focus view may close while
 * a request is on its way): they talk to the server and put the outcome in
 * the store.
 */

/** Opens the counter large with its sound on: the inspector watches and listens. */
function openWithSound(counterId: string): void {
  const state = useStore.getState();
  if (consoleRoute(window.location.pathname) !== '/') navigate('/', false, true);
  state.focusCounter(counterId);
  // Inside the click that asked, so the browser lets the audio play.
  state.setListening(counterId);
}

/** "Inspect": the counter in the focus view with sound, and an inspection started on record. */
export function startInspection(counterId: string): void {
  const state = useStore.getState();
  const active = state.activeInspection;
  if (active && active.endedAt === null) {
    openWithSound(counterId);
    if (active.counterId !== counterId) {
      const name = state.counters[active.counterId]?.name ?? active.counterName;
      useStore
        .getState()
        .setInspectionStart({ counterId, error: translate(state.lang, 'inspection.otherActive', { name }) });
    }
    return;
  }
  if (state.inspectionStart?.counterId === counterId && state.inspectionStart.error === null) return; // already asked
  openWithSound(counterId);
  useStore.getState().setInspectionStart({ counterId, error: null });
  apiRequest('POST', '/api/v1/inspections', InspectionResponseSchema, { counterId })
    .then(({ inspection }) => {
      const s = useStore.getState();
      s.setActiveInspection(inspection);
      if (s.inspectionStart?.counterId === counterId) s.setInspectionStart(null);
    })
    .catch((e: unknown) => {
      const s = useStore.getState();
      s.setInspectionStart({ counterId, error: describeError(s.lang, e) });
    });
}

/** Back to a running inspection (from the banner or the inspections list). */
export function resumeInspection(inspection: Inspection): void {
  const state = useStore.getState();
  if (state.activeInspection?.id !== inspection.id) state.setActiveInspection(inspection);
  openWithSound(inspection.counterId);
  // The list's copy may be behind (moments captured from another console): fetch the current one.
  refreshInspection(inspection.id).catch((error: unknown) =>
    console.warn('inspection refresh failed', error),
  );
}

/** Fetches the inspection again (after an observation: the server knows its still's URL). */
export async function refreshInspection(id: number): Promise<void> {
  const { inspection } = await apiRequest('GET', inspectionPath(id), InspectionResponseSchema);
  const state = useStore.getState();
  if (state.activeInspection?.id === id) state.setActiveInspection(inspection);
}

/** "Ghi nhận thời điểm": a note and, when the video shows a picture, its still. */
export async function addObservation(id: number, note: string, still: string | null): Promise<void> {
  await apiRequest('POST', `${inspectionPath(id)}/observations`, ObservationCreatedSchema, {
    note: note.trim(),
    ...(still === null ? {} : { still }),
  });
  await refreshInspection(id);
}

/** Ends the inspection with the draft (its result) and opens the report. */
export async function endInspection(inspection: Inspection, draft: InspectionDraft): Promise<void> {
  const officerName = draft.officerName.trim();
  await flushDraftSaves(inspection.id).catch(() => undefined); // the end carries the draft anyway
  const { inspection: ended } = await apiRequest(
    'POST',
    `${inspectionPath(inspection.id)}/end`,
    InspectionResponseSchema,
    {
      results: completeResults(
        inspection.checklist.map((item) => item.id),
        draft.results,
      ),
      notes: draft.notes,
      ...(officerName ? { officerName } : {}),
    },
  );
  stopDraftSaves(ended.id);
  const state = useStore.getState();
  state.setActiveInspection(null);
  // To the report: leaving the wall closes the focus view (its URL goes with it).
  navigate(`/inspections/${ended.id}`, false, true);
}

/**
 * The router asks this before leaving the wall: with the running inspection
 * on screen, it asks the user first (the focus view shows the question).
 */
export function inspectionLeaveGuard(to: string): boolean {
  const state = useStore.getState();
  const target = consoleRoute(new URL(to, window.location.origin).pathname);
  if (target === '/' || !inspectionOnScreen(state)) return true;
  state.setLeaveRequest({ to });
  return false;
}
