import { create } from 'zustand';
import type { Snapshot } from '@counterwatch/shared';
import { alertsData, createAlertsSlice, reduceAlerts, type AlertsSlice } from './alertsSlice';
import { createConnectionSlice, type ConnectionSlice } from './connectionSlice';
import { createInspectionSlice, type InspectionSlice } from './inspectionSlice';
import { countersFromSnapshot, createCountersSlice, type CountersSlice } from './countersSlice';
import { createQueuesSlice, departmentMetricsFromList, type QueuesSlice } from './queuesSlice';
import { createUiSlice, type UiSlice } from './uiSlice';
import { createWallSlice, type WallSlice } from './wallSlice';

/** Actions that touch several slices at once, so subscribers never see half a snapshot. */
export interface SnapshotActions {
  applySnapshot: (snapshot: Snapshot) => void;
}

/**
 * The console's one store, built from slices. It holds serialisable state
 * only: media objects (Device, transports, consumers) live in
 * `media/MediaClient`, the socket in `connection/ConsoleLink`.
 */
export type AppState = ConnectionSlice &
  CountersSlice &
  QueuesSlice &
  AlertsSlice &
  UiSlice &
  WallSlice &
  InspectionSlice &
  SnapshotActions;

export const useStore = create<AppState>()((...a) => {
  const [set] = a;
  return {
    ...createConnectionSlice(...a),
    ...createCountersSlice(...a),
    ...createQueuesSlice(...a),
    ...createAlertsSlice(...a),
    ...createUiSlice(...a),
    ...createWallSlice(...a),
    ...createInspectionSlice(...a),
    applySnapshot: (snapshot) =>
      set((state) => ({
        ...countersFromSnapshot(snapshot),
        departmentMetrics: departmentMetricsFromList(snapshot.departmentMetrics),
        ...reduceAlerts(alertsData(state), snapshot.alerts, true),
        user: snapshot.user,
      })),
  };
});
