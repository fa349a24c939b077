import { useEffect } from 'react';
import { useStore } from '../store/store';

/**
 * Arrows move the cursor between tiles (up/down by visual row), Enter opens
 * the focus view, Esc returns to the wall.
 */
export function useWallKeyboard(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
      const target = event.target;
      if (
        target instanceof HTMLInputElement ||
        target instanceof HTMLSelectElement ||
        target instanceof HTMLTextAreaElement
      ) {
        return;
      }
      const state = useStore.getState();
      if (state.focusedCounterId !== null) {
        if (event.key === 'Escape') {
          event.preventDefault();
          // Esc on "leave the inspection?" means stay; otherwise a running inspection asks first.
          // Closing returns focus to the tile (FocusView does that, however it is closed).
          if (state.leaveRequest) state.setLeaveRequest(null);
          else state.requestCloseFocus();
        }
        return;
      }
      // The tiles on screen (the wall may be narrowed to one department).
      const order = state.wallOrder.filter((id) => tileElement(id) !== null);
      if (order.length === 0) return;
      const current = state.selectedCounterId ?? order[0] ?? null;
      let next: string | null = null;
      switch (event.key) {
        case 'ArrowRight':
          next = order[Math.min(order.length - 1, order.indexOf(current ?? '') + 1)] ?? null;
          break;
        case 'ArrowLeft':
          next = order[Math.max(0, order.indexOf(current ?? '') - 1)] ?? null;
          break;
        case 'ArrowDown':
        case 'ArrowUp':
          next = verticalNeighbour(current, order, event.key === 'ArrowDown' ? 1 : -1);
          break;
        case 'Enter':
          if (current && !(target instanceof HTMLButtonElement && !target.classList.contains('tile'))) {
            event.preventDefault();
            state.focusCounter(current);
          }
          return;
        default:
          return;
      }
      if (next) {
        event.preventDefault();
        state.selectCounter(next);
        tileElement(next)?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function tileElement(counterId: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`.tile[data-counter-id="${CSS.escape(counterId)}"]`);
}

/** Back on the wall, the keyboard cursor returns to the counter just left. */
export function focusTile(counterId: string): void {
  tileElement(counterId)?.focus();
}

/** The tile in the next (or previous) visual row whose centre is closest horizontally. */
function verticalNeighbour(current: string | null, order: string[], direction: 1 | -1): string | null {
  if (current === null) return order[0] ?? null;
  const from = tileElement(current)?.getBoundingClientRect();
  if (!from) return current;
  const centre = from.left + from.width / 2;
  let best: { id: string; dy: number; dx: number } | null = null;
  for (const id of order) {
    const rect = tileElement(id)?.getBoundingClientRect();
    if (!rect) continue;
    const dy = (rect.top - from.top) * direction;
    if (dy <= from.height / 2) continue;
    const dx = Math.abs(rect.left + rect.width / 2 - centre);
    if (!best || dy < best.dy - 1 || (Math.abs(dy - best.dy) <= 1 && dx < best.dx)) best = { id, dy, dx };
  }
  return best?.id ?? current;
}
