import { useShallow } from 'zustand/react/shallow';
import { useSearchParam } from '../app/router';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { CriticalAlertPopup } from './CriticalAlertPopup';
import { DepartmentSection } from './DepartmentSection';
import { FocusView } from './FocusView';
import { WALL_DEPARTMENT_PARAM } from './focusUrl';
import { useWallKeyboard } from './useWallKeyboard';
import { WallGrid } from './WallGrid';
import { WallToolbar } from './WallToolbar';
import { isVideoWallScreen, useVideoWallScreen, videoWallParams } from './videoWall';
import { useWallTour, useWallViews } from './wallViews';
import './wall.css';

/**
 * Every counter in the user's scope: a grid that fills the screen (or an
 * N×N grid with pages), or the tile-size flow grouped by department. Click
 * or Enter for the focus view. `?screen=wall` is the video-wall screen:
 * just the tiles, for a second monitor.
 */
export function LiveWall() {
  const t = useT();
  // `?department=` narrows the wall to one department (the header's filter; in the URL, so links keep it).
  const only = useSearchParam(WALL_DEPARTMENT_PARAM);
  const departmentIds = useStore(
    useShallow((s) => s.departments.map((d) => d.id).filter((id) => !only || id === only)),
  );
  const focused = useStore((s) => s.focusedCounterId);
  const tileSize = useStore((s) => s.tileSize);
  const layout = useStore((s) => s.wallLayout);
  const bare = isVideoWallScreen();
  useVideoWallScreen(bare);
  useWallViews(bare ? videoWallParams().view : null);
  useWallTour();
  useWallKeyboard();

  return (
    <>
      <div
        className={`wall tiles-${tileSize} ${layout === 'size' ? 'wall-flow' : 'wall-fill'}${bare ? ' wall-bare' : ''}`}
        data-layout={layout}
        aria-hidden={focused !== null ? true : undefined}
      >
        {!bare && <WallToolbar />}
        {departmentIds.length === 0 ? (
          <p className="empty">{t('wall.empty')}</p>
        ) : layout === 'size' ? (
          departmentIds.map((id) => <DepartmentSection key={id} departmentId={id} />)
        ) : (
          <WallGrid layout={layout} onlyDepartment={only || null} />
        )}
      </div>
      {focused !== null && <FocusView counterId={focused} />}
      <CriticalAlertPopup />
    </>
  );
}
