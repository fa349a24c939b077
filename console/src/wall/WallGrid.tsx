import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import type { AppState } from '../store/store';
import { CounterTile } from './CounterTile';
import { DepartmentHeader } from './DepartmentHeader';
import { fitGrid, pageCount, type WallLayout } from './layout';
import { orderCounters } from './order';
import { countRender } from './renderCount';

/** More departments than this on one page: only those with alerts get a header line. */
const MAX_DEPARTMENT_HEADERS = 4;

/** The counters on the wall: the chosen ones (a saved view) or every one in scope, in the chosen order. */
export function wallCounters(s: AppState): string[] {
  const chosen = s.wallCounterIds?.filter((id) => s.counters[id] !== undefined) ?? s.wallOrder;
  return orderCounters(s, chosen, s.wallSort);
}

/** The space below the grid's top edge down to the window's bottom, kept current. */
function useFreeSpace(): [React.RefObject<HTMLDivElement | null>, { width: number; height: number }] {
  const ref = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const measure = (): void => {
      const rect = element.getBoundingClientRect();
      // Below the grid: the page's bottom padding (none on the video-wall screen).
      const bottom = parseFloat(getComputedStyle(element).getPropertyValue('--wall-bottom')) || 0;
      const width = Math.floor(rect.width);
      const height = Math.max(120, Math.floor(window.innerHeight - rect.top - bottom));
      setSize((s) => (s.width === width && s.height === height ? s : { width, height }));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    // The header and the department bar above can change height (alerts come and go).
    const header = document.querySelector('.app-header');
    if (header) observer.observe(header);
    const bar = element.previousElementSibling;
    if (bar) observer.observe(bar);
    window.addEventListener('resize', measure);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, []);
  return [ref, size];
}

/** Tiles in a grid that fills the screen without scrolling; pages when they do not fit. */
export function WallGrid({
  layout,
  onlyDepartment,
}: {
  layout: Exclude<WallLayout, 'size'>;
  /** The wall narrowed to one department (`?department=`), or every one. */
  onlyDepartment: string | null;
}) {
  countRender('WallGrid');
  const ids = useStore(
    useShallow((s) =>
      wallCounters(s).filter((id) => !onlyDepartment || s.counters[id]?.departmentId === onlyDepartment),
    ),
  );
  const page = useStore((s) => s.wallPage);
  const setPage = useStore((s) => s.setWallPage);
  const [ref, space] = useFreeSpace();
  const fit = fitGrid(layout, ids.length, space.width, space.height);
  const pages = pageCount(ids.length, fit.perPage);
  // The tour only counts pages up: wrap around.
  const shown = page % pages;
  const pageIds = ids.slice(shown * fit.perPage, (shown + 1) * fit.perPage);
  const departmentIds = useStore(
    useShallow((s) => {
      const seen = new Set(pageIds.map((id) => s.counters[id]?.departmentId ?? ''));
      return s.departments.filter((d) => seen.has(d.id)).map((d) => d.id);
    }),
  );
  // A page of a province spans many departments: their headers would push the tiles down, so past a
  // few only those with department alerts are listed (each tile names its department).
  const listed = useStore(
    useShallow((s) =>
      departmentIds.length <= MAX_DEPARTMENT_HEADERS
        ? departmentIds
        : departmentIds.filter((id) => (s.alertIdsByDepartment[id]?.length ?? 0) > 0),
    ),
  );
  const t = useT();
  const multiDepartment = useStore((s) => s.departments.length > 1);
  useEffect(() => {
    if (page !== shown) setPage(shown);
  }, [page, shown, setPage]);

  return (
    <>
      <div className="wall-departments">
        {listed.map((id) => (
          <DepartmentHeader key={id} departmentId={id} compact />
        ))}
        {listed.length < departmentIds.length && (
          <span className="muted wall-departments-more" data-departments-on-page={departmentIds.length}>
            {t(listed.length > 0 ? 'wall.departments.more' : 'wall.departments.onPage', {
              count: departmentIds.length - listed.length,
            })}
          </span>
        )}
        {pages > 1 && <Pager page={shown} pages={pages} onPage={setPage} />}
      </div>
      <div
        ref={ref}
        className="wall-grid"
        data-cols={fit.cols}
        data-rows={fit.rows}
        data-page={shown}
        data-pages={pages}
        style={{
          gridTemplateColumns: `repeat(${fit.cols}, minmax(0, 1fr))`,
          gridTemplateRows: `repeat(${fit.rows}, minmax(0, 1fr))`,
          height: space.height || undefined,
        }}
      >
        {pageIds.map((id) => (
          <CounterTile key={id} counterId={id} showDepartment={multiDepartment} />
        ))}
      </div>
    </>
  );
}

function Pager({ page, pages, onPage }: { page: number; pages: number; onPage: (page: number) => void }) {
  const t = useT();
  return (
    <nav className="wall-pager" aria-label={t('wall.pages')}>
      <button
        type="button"
        aria-label={t('wall.pagePrevious')}
        onClick={() => onPage((page - 1 + pages) % pages)}
      >
        ‹
      </button>
      <span data-wall-page={page + 1}>{t('wall.pageOf', { page: page + 1, pages })}</span>
      <button type="button" aria-label={t('wall.pageNext')} onClick={() => onPage((page + 1) % pages)}>
        ›
      </button>
    </nav>
  );
}
