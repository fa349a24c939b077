import { InspectionListSchema } from '@counterwatch/shared';
import { useEffect } from 'react';
import { apiRequest } from '../api/http';
import { can } from '../app/roles';
import { useT } from '../i18n/i18n';
import { Elapsed } from '../queue/Elapsed';
import { inspectionOnScreen } from '../store/inspectionSlice';
import { useStore } from '../store/store';
import { resumeInspection } from './inspectionActions';

/**
 * A console opened afresh (another tab or browser, after the tab was
 * closed) finds the inspection this user left open, so the banner offers it.
 */
function useOwnOpenInspection(): void {
  // Only those who may inspect have inspections to resume (anyone else would be refused: a 403 in the console).
  const username = useStore((s) => (can(s.user, 'inspect') ? (s.user?.username ?? null) : null));
  useEffect(() => {
    if (username === null || useStore.getState().activeInspection !== null) return;
    let cancelled = false;
    apiRequest('GET', '/api/v1/inspections?open=1', InspectionListSchema)
      .then(({ inspections }) => {
        const mine = inspections.find((i) => i.endedAt === null && i.inspector === username);
        const state = useStore.getState();
        if (!cancelled && mine && state.activeInspection === null) state.setActiveInspection(mine);
      })
      .catch((error: unknown) => console.warn('open inspections not loaded', error));
    return () => {
      cancelled = true;
    };
  }, [username]);
}

/**
 * Under the header while an inspection started here is still open but its
 * focus view is not on screen (the user left it, or went Back): one click
 * returns to it.
 */
export function InspectionBanner() {
  const t = useT();
  useOwnOpenInspection();
  const active = useStore((s) => (s.activeInspection?.endedAt === null ? s.activeInspection : null));
  const onScreen = useStore(inspectionOnScreen);
  const name = useStore((s) => (active ? (s.counters[active.counterId]?.name ?? active.counterName) : ''));
  if (!active || onScreen) return null;
  return (
    <div className="inspection-banner" role="status" data-inspection-id={active.id}>
      <span>
        {t('inspection.banner', { name })} <Elapsed since={active.startedAt} />
      </span>
      <button
        type="button"
        className="primary"
        data-action="resume-inspection"
        onClick={() => resumeInspection(active)}
      >
        {t('inspection.resume')}
      </button>
    </div>
  );
}
