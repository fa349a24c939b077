import { useT } from '../i18n/i18n';
import { Elapsed } from '../queue/Elapsed';
import { inspectionOnScreen } from '../store/inspectionSlice';
import { useStore } from '../store/store';
import { resumeInspection } from './inspectionActions';

/**
 * Under the header while an inspection started here is still open but its
 * focus view is not on screen (the user left it, or went Back): one click
 * returns to it.
 */
export function InspectionBanner() {
  const t = useT();
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
