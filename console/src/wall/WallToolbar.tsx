import { useState } from 'react';
import { describeError } from '../api/describeError';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { GoToCounter } from './GoToCounter';
import { openVideoWallWindow } from './videoWall';
import { currentBody, deleteView, saveView } from './wallViews';
import { WALL_LAYOUTS, type WallLayout } from './layout';
import { WALL_SORTS, type WallSort } from './order';

/** Layout and order of the wall, saved views, the tour, full screen and the second screen. */
export function WallToolbar() {
  const t = useT();
  const layout = useStore((s) => s.wallLayout);
  const sort = useStore((s) => s.wallSort);
  const setLayout = useStore((s) => s.setWallLayout);
  const setSort = useStore((s) => s.setWallSort);
  const touring = useStore((s) => s.touring);
  const tourSeconds = useStore((s) => s.tourSeconds);
  const setTour = useStore((s) => s.setTour);
  const viewId = useStore((s) => s.wallViewId);
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
      <SavedViews />
      <CounterChooser />
      {layout === 'size' && <FoldAll />}
      <label>
        <input
          type="checkbox"
          data-control="tour"
          checked={touring}
          onChange={(e) => setTour(e.target.checked)}
        />
        <span>{t('wall.tour')}</span>
      </label>
      <label>
        <input
          type="number"
          data-control="tour-seconds"
          min={5}
          max={600}
          value={tourSeconds}
          aria-label={t('wall.tourSeconds')}
          onChange={(e) => {
            const n = Math.round(Number(e.target.value));
            if (Number.isFinite(n)) setTour(touring, Math.min(600, Math.max(5, n)));
          }}
        />
        <span>{t('wall.seconds')}</span>
      </label>
      <span className="spacer" />
      <GoToCounter />
      <button type="button" data-action="fullscreen" onClick={toggleFullscreen}>
        {t('wall.fullscreen')}
      </button>
      <button
        type="button"
        data-action="second-screen"
        onClick={() =>
          openVideoWallWindow({
            ...(viewId !== null ? { view: String(viewId) } : {}),
            ...(touring ? { tour: String(tourSeconds) } : {}),
          })
        }
      >
        {t('wall.secondScreen')}
      </button>
    </div>
  );
}

/** Folds every department of the tile-size layout to its header, or unfolds them all. */
function FoldAll() {
  const t = useT();
  const setCollapsed = useStore((s) => s.setCollapsed);
  const all = (): string[] => useStore.getState().departments.map((d) => d.id);
  return (
    <span className="wall-fold-all">
      <button type="button" data-action="collapse-all" onClick={() => setCollapsed(all(), true)}>
        {t('wall.collapseAll')}
      </button>
      <button type="button" data-action="expand-all" onClick={() => setCollapsed(all(), false)}>
        {t('wall.expandAll')}
      </button>
    </span>
  );
}

function toggleFullscreen(): void {
  if (document.fullscreenElement) void document.exitFullscreen();
  else void document.documentElement.requestFullscreen().catch(() => undefined);
}

/** Pick, save (new or over the current one) and delete the user's saved views. */
function SavedViews() {
  const t = useT();
  const lang = useStore((s) => s.lang);
  const views = useStore((s) => s.wallViews);
  const viewId = useStore((s) => s.wallViewId);
  const apply = useStore((s) => s.applyWallView);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const run = (p: Promise<unknown>): void => {
    setError(null);
    p.catch((e: unknown) => setError(describeError(lang, e)));
  };
  const current = views?.find((v) => v.id === viewId) ?? null;
  return (
    <>
      <label>
        <span>{t('wall.view')}</span>
        <select
          data-control="view"
          value={viewId ?? ''}
          onChange={(e) => apply(views?.find((v) => String(v.id) === e.target.value) ?? null)}
        >
          <option value="">{t('wall.view.none')}</option>
          {(views ?? []).map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}
            </option>
          ))}
        </select>
      </label>
      <form
        className="wall-save"
        onSubmit={(e) => {
          e.preventDefault();
          run(
            saveView(
              currentBody(name.trim() || (current?.name ?? '')),
              name.trim() ? null : (current?.id ?? null),
            ).then(() => setName('')),
          );
        }}
      >
        <input
          data-control="view-name"
          value={name}
          maxLength={120}
          placeholder={current ? current.name : t('wall.view.name')}
          aria-label={t('wall.view.name')}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" data-action="save-view" disabled={!name.trim() && !current}>
          {t('wall.view.save')}
        </button>
        {current && (
          <button type="button" data-action="delete-view" onClick={() => run(deleteView(current.id))}>
            {t('wall.view.delete')}
          </button>
        )}
        {error && (
          <span className="ack-error" role="alert">
            {error}
          </span>
        )}
      </form>
    </>
  );
}

/** Which counters the wall shows (all by default), for a view. */
function CounterChooser() {
  const t = useT();
  const departments = useStore((s) => s.departments);
  const byDepartment = useStore((s) => s.counterIdsByDepartment);
  const counters = useStore((s) => s.counters);
  const chosen = useStore((s) => s.wallCounterIds);
  const setChosen = useStore((s) => s.setWallCounters);
  const all = departments.flatMap((d) => byDepartment[d.id] ?? []);
  const toggle = (id: string, on: boolean): void => {
    const base = chosen ?? all;
    const next = on ? [...base, id] : base.filter((x) => x !== id);
    setChosen(next.length === 0 || next.length === all.length ? null : next);
  };
  return (
    <details className="wall-chooser">
      <summary data-control="counters">
        {t('wall.counters.chosen', { count: chosen?.length ?? all.length, total: all.length })}
      </summary>
      <div className="wall-chooser-list">
        {departments.map((d) => (
          <fieldset key={d.id}>
            <legend>{d.name}</legend>
            {(byDepartment[d.id] ?? []).map((id) => (
              <label key={id}>
                <input
                  type="checkbox"
                  data-counter-id={id}
                  checked={chosen === null || chosen.includes(id)}
                  onChange={(e) => toggle(id, e.target.checked)}
                />
                {counters[id]?.name ?? id}
              </label>
            ))}
          </fieldset>
        ))}
      </div>
    </details>
  );
}
