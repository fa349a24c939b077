import { useEffect, useMemo, useRef, useState } from 'react';
import { foldText } from '@counterwatch/shared';
import { useT } from '../i18n/i18n';
import { useStore } from '../store/store';
import { StatusBadge, displayStatus } from './StatusBadge';

const MAX_RESULTS = 12;

/** Counters whose name or department name contains every word typed (accents and case ignored). */
export function matchCounters(
  counters: readonly { id: string; name: string; department: string }[],
  query: string,
): string[] {
  const words = foldText(query).split(/\s+/).filter(Boolean);
  const found: string[] = [];
  for (const c of counters) {
    const text = foldText(`${c.name} ${c.department} ${c.id}`);
    if (words.every((w) => text.includes(w))) found.push(c.id);
    if (found.length === MAX_RESULTS) break;
  }
  return found;
}

/**
 * "Go to counter": `/` or Ctrl+K (⌘K) opens a search over every counter in
 * scope, by counter or department name; ↑↓ choose, Enter opens the focus
 * view, Esc closes. With a province on the wall this is faster than paging.
 */
export function GoToCounter() {
  const t = useT();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.altKey) return;
      const target = event.target;
      const typing =
        target instanceof HTMLInputElement ||
        target instanceof HTMLTextAreaElement ||
        target instanceof HTMLSelectElement ||
        (target instanceof HTMLElement && target.isContentEditable);
      const ctrlK = (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'k';
      const slash = event.key === '/' && !event.ctrlKey && !event.metaKey && !typing;
      if (!ctrlK && !slash) return;
      if (useStore.getState().focusedCounterId !== null) return;
      event.preventDefault();
      setOpen(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return (
    <>
      <button
        type="button"
        className="wall-goto-button"
        title={t('wall.goto.hint')}
        onClick={() => setOpen(true)}
      >
        {t('wall.goto')} <kbd>/</kbd>
      </button>
      {open && <GoToDialog onClose={() => setOpen(false)} />}
    </>
  );
}

function GoToDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const [query, setQuery] = useState('');
  const [cursor, setCursor] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const previousFocus = useRef<Element | null>(null);
  // Names only (the directory changes rarely): a counter's queue or media patch does not rebuild the index.
  const departments = useStore((s) => s.departments);
  const wallOrder = useStore((s) => s.wallOrder);
  const index = useMemo(() => {
    const names = new Map(departments.map((d) => [d.id, d.name]));
    const counters = useStore.getState().counters;
    return wallOrder.flatMap((id) => {
      const c = counters[id];
      return c ? [{ id, name: c.name, department: names.get(c.departmentId) ?? '' }] : [];
    });
  }, [departments, wallOrder]);
  const results = useMemo(() => matchCounters(index, query), [index, query]);
  const byId = useMemo(() => new Map(index.map((c) => [c.id, c])), [index]);
  const chosen = results[Math.min(cursor, results.length - 1)];

  useEffect(() => {
    previousFocus.current = document.activeElement;
    input.current?.focus();
    return () => {
      if (previousFocus.current instanceof HTMLElement) previousFocus.current.focus();
    };
  }, []);

  const openCounter = (id: string): void => {
    onClose();
    const state = useStore.getState();
    state.selectCounter(id);
    state.focusCounter(id);
  };

  const onKeyDown = (event: React.KeyboardEvent): void => {
    switch (event.key) {
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        onClose();
        return;
      case 'ArrowDown':
        event.preventDefault();
        setCursor((c) => Math.min(results.length - 1, c + 1));
        return;
      case 'ArrowUp':
        event.preventDefault();
        setCursor((c) => Math.max(0, c - 1));
        return;
      case 'Enter':
        event.preventDefault();
        event.stopPropagation();
        if (chosen) openCounter(chosen);
        return;
      default:
    }
  };

  return (
    <div className="goto-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="goto-dialog"
        role="dialog"
        aria-modal="true"
        aria-label={t('wall.goto')}
        onKeyDown={onKeyDown}
      >
        <input
          ref={input}
          type="search"
          className="goto-input"
          role="combobox"
          aria-expanded="true"
          aria-controls="goto-results"
          aria-activedescendant={chosen ? `goto-${chosen}` : undefined}
          placeholder={t('wall.goto.placeholder')}
          value={query}
          onChange={(e) => {
            setQuery(e.target.value);
            setCursor(0);
          }}
        />
        <ul id="goto-results" className="goto-results" role="listbox">
          {results.length === 0 && <li className="muted">{t('wall.goto.none')}</li>}
          {results.map((id) => {
            const c = byId.get(id);
            return (
              <li
                key={id}
                id={`goto-${id}`}
                role="option"
                aria-selected={id === chosen}
                data-counter-id={id}
                className={id === chosen ? 'chosen' : undefined}
                onMouseDown={(e) => {
                  e.preventDefault();
                  openCounter(id);
                }}
              >
                <span className="goto-name">{c?.name}</span>
                <span className="goto-department muted">{c?.department}</span>
                <GoToStatus counterId={id} />
              </li>
            );
          })}
        </ul>
        <p className="goto-help muted">{t('wall.goto.help')}</p>
      </div>
    </div>
  );
}

function GoToStatus({ counterId }: { counterId: string }) {
  const status = useStore((s) => displayStatus(s.counters[counterId]?.media));
  return <StatusBadge status={status} />;
}
