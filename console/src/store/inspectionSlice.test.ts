import { beforeEach, describe, expect, it } from 'vitest';
import type { Inspection } from '@counterwatch/shared';
import { inspectionOnScreen } from './inspectionSlice';
import { useStore } from './store';

function inspection(overrides: Partial<Inspection> = {}): Inspection {
  return {
    id: 3,
    departmentId: 'hk',
    counterId: 'q1',
    counterName: 'Quầy 1',
    inspector: 'thanhtra',
    inspectorName: 'Nguyễn Thanh Tra',
    officer: null,
    officerName: null,
    startedAt: 1_000,
    endedAt: null,
    endedAutomatically: false,
    checklist: [{ id: 'greeting', vi: 'Chào hỏi', en: 'Greeting' }],
    results: {},
    notes: '',
    observations: [],
    ...overrides,
  };
}

describe('inspection slice', () => {
  beforeEach(() => {
    useStore.setState({
      activeInspection: null,
      leaveRequest: null,
      focusedCounterId: null,
      listeningCounterId: null,
    });
  });

  it('asks before closing the focus view that shows the running inspection', () => {
    const store = useStore.getState();
    store.setActiveInspection(inspection());
    store.focusCounter('q1');
    expect(inspectionOnScreen(useStore.getState())).toBe(true);
    expect(useStore.getState().requestCloseFocus()).toBe(false);
    expect(useStore.getState().leaveRequest).toEqual({ to: null });
    expect(useStore.getState().focusedCounterId).toBe('q1');
  });

  it('closes other focus views at once and keeps the inspection for resuming', () => {
    const store = useStore.getState();
    store.setActiveInspection(inspection());
    store.focusCounter('q2');
    expect(useStore.getState().requestCloseFocus()).toBe(true);
    expect(useStore.getState().focusedCounterId).toBeNull();
    expect(useStore.getState().activeInspection?.id).toBe(3);
  });

  it('keeps the draft across a refetch of the same inspection and starts clean for another', () => {
    const store = useStore.getState();
    store.setActiveInspection(inspection());
    // Nothing is typed before the server's draft has arrived.
    store.updateInspectionDraft({ notes: 'lost' });
    expect(useStore.getState().inspectionDraft.notes).toBe('');
    store.loadInspectionDraft(3, { results: {}, notes: 'từ máy chủ', officerName: '' }, 500);
    expect(useStore.getState().inspectionDraft.notes).toBe('từ máy chủ');
    store.updateInspectionDraft({ notes: 'Cán bộ vắng 5 phút', results: { greeting: 'fail' } });
    store.setActiveInspection(inspection({ observations: [{ id: 1, at: 2_000, note: '', stillUrl: null }] }));
    expect(useStore.getState().inspectionDraft.notes).toBe('Cán bộ vắng 5 phút');
    store.setActiveInspection(inspection({ id: 4 }));
    expect(useStore.getState().inspectionDraft.results).toEqual({});
  });

  it('forgets a refused Inspect when the focus moves to another counter', () => {
    const store = useStore.getState();
    store.focusCounter('q1');
    store.setInspectionStart({ counterId: 'q1', error: 'refused' });
    store.focusCounter('q2');
    expect(useStore.getState().inspectionStart).toBeNull();
  });
});
