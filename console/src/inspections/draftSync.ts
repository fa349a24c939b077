import { useEffect } from 'react';
import { InspectionDraftResponseSchema, RemoteError, type InspectionDraft } from '@counterwatch/shared';
import { describeError } from '../api/describeError';
import { apiRequest } from '../api/http';
import { useStore } from '../store/store';
import { inspectionPath } from './api';
import { DraftSaver } from './draftSaver';

const draftPath = (id: number): string => `${inspectionPath(id)}/draft`;

/** Refusals a retry cannot change: the inspection ended, or is not this inspector's. */
const REFUSED = new Set(['forbidden', 'conflict', 'invalid_request', 'not_found']);

let current: { inspectionId: number; saver: DraftSaver } | null = null;

async function save(inspectionId: number, draft: InspectionDraft, keepalive: boolean): Promise<number> {
  if (!keepalive)
    return (
      (await apiRequest('PUT', draftPath(inspectionId), InspectionDraftResponseSchema, draft)).savedAt ?? 0
    );
  // The page is going away: a keepalive request outlives it (apiRequest's fetch would be cancelled).
  await fetch(draftPath(inspectionId), {
    method: 'PUT',
    keepalive: true,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(draft),
  });
  return Date.now();
}

/** Sends what is pending now (before the end, so no save arrives after it). */
export async function flushDraftSaves(inspectionId: number): Promise<void> {
  if (current?.inspectionId === inspectionId) await current.saver.flush();
}

/** Stops saving the draft (the inspection is ending: its result carries the draft). */
export function stopDraftSaves(inspectionId: number): void {
  if (current?.inspectionId !== inspectionId) return;
  current.saver.close();
  current = null;
}

/**
 * While the inspection's form is on screen: loads the server's draft (the
 * form waits for it), then saves every change as it is typed, and what is
 * pending when the form closes or the page goes away.
 */
export function useDraftSync(inspectionId: number): void {
  useEffect(() => {
    const store = useStore.getState();
    const sync = (patch: Parameters<typeof store.setDraftSync>[1]): void =>
      useStore.getState().setDraftSync(inspectionId, patch);
    const saver = new DraftSaver(
      {
        save: (draft, keepalive) => save(inspectionId, draft, keepalive),
        onState: (state, savedAt, error) =>
          sync({
            state,
            savedAt,
            error: error === null ? null : describeError(useStore.getState().lang, error),
          }),
        refused: (error) => error instanceof RemoteError && REFUSED.has(error.code),
      },
      store.draftSync.savedAt,
    );
    current = { inspectionId, saver };

    let cancelled = false;
    if (store.draftSync.inspectionId !== inspectionId || store.draftSync.state === 'loading') {
      const load = (): void => {
        apiRequest('GET', draftPath(inspectionId), InspectionDraftResponseSchema)
          .then(({ draft, savedAt }) => {
            if (!cancelled) useStore.getState().loadInspectionDraft(inspectionId, draft, savedAt);
          })
          .catch((error: unknown) => {
            if (cancelled) return;
            sync({ state: 'loading', error: describeError(useStore.getState().lang, error) });
            setTimeout(load, 3_000); // the form stays closed rather than start blank over a saved draft
          });
      };
      load();
    }

    const unsubscribe = useStore.subscribe((state, previous) => {
      if (state.inspectionDraft === previous.inspectionDraft) return;
      if (state.draftSync.inspectionId !== inspectionId) return;
      // The server's own draft arriving is not a change to send back.
      if (previous.draftSync.state === 'loading') return;
      saver.update(state.inspectionDraft);
    });
    const onExit = (): void => saver.flushOnExit();
    window.addEventListener('pagehide', onExit);
    return () => {
      cancelled = true;
      unsubscribe();
      window.removeEventListener('pagehide', onExit);
      if (current?.saver === saver) current = null;
      saver
        .flush()
        .catch(() => undefined)
        .finally(() => saver.close());
    };
  }, [inspectionId]);
}
