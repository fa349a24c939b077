import { useShallow } from 'zustand/react/shallow';
import { useSearchParam } from '../app/router';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { DepartmentSection } from './DepartmentSection';
import { FocusView } from './FocusView';
import { WALL_DEPARTMENT_PARAM } from './focusUrl';
import { useWallKeyboard } from './useWallKeyboard';

/** Every counter in the user's scope, grouped by department; click or Enter for the focus view. */
export function LiveWall() {
  const t = useT();
  // `?department=` narrows the wall to one department (the header's filter; in the URL, so links keep it).
  const only = useSearchParam(WALL_DEPARTMENT_PARAM);
  const departmentIds = useStore(
    useShallow((s) => s.departments.map((d) => d.id).filter((id) => !only || id === only)),
  );
  const focused = useStore((s) => s.focusedCounterId);
  const tileSize = useStore((s) => s.tileSize);
  useWallKeyboard();

  return (
    <>
      <div className={`wall tiles-${tileSize}`} aria-hidden={focused !== null ? true : undefined}>
        {departmentIds.length === 0 ? (
          <p className="empty">{t('wall.empty')}</p>
        ) : (
          departmentIds.map((id) => <DepartmentSection key={id} departmentId={id} />)
        )}
      </div>
      {focused !== null && <FocusView counterId={focused} />}
    </>
  );
}
