import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { WALL_LAYOUTS, type WallLayout } from './layout';
import { WALL_SORTS, type WallSort } from './order';

/** Layout and order of the wall, saved views, the tour, full screen and the second screen. */
export function WallToolbar() {
  const t = useT();
  const layout = useStore((s) => s.wallLayout);
  const sort = useStore((s) => s.wallSort);
  const setLayout = useStore((s) => s.setWallLayout);
  const setSort = useStore((s) => s.setWallSort);
  return (
    <div className="wall-toolbar" role="toolbar" aria-label={t('wall.toolbar')}>
      <label>
        <span>{t('wall.layout')}</span>
        <select
          data-control="layout"
          value={layout}
          onChange={(e) => setLayout(e.target.value as WallLayout)}
        >
          {WALL_LAYOUTS.map((l) => (
            <option key={l} value={l}>
              {l === 'auto' || l === 'size' ? t(`wall.layout.${l}`) : t('wall.layout.grid', { n: l })}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('wall.order')}</span>
        <select data-control="sort" value={sort} onChange={(e) => setSort(e.target.value as WallSort)}>
          {WALL_SORTS.map((o) => (
            <option key={o} value={o}>
              {t(o === 'worst' ? 'wall.order.worst' : 'wall.order.default')}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
