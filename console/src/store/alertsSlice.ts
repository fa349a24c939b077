import type { StateCreator } from 'zustand';
import type { Alert, AlertSeverity } from '@counterwatch/shared';
import { remember, storedChoice } from './persist';
import type { AppState } from './store';

export interface AlertsData {
  /** Active alerts (open and acknowledged) in the user's scope, by id. */
  alerts: Record<number, Alert>;
  /**
   * Active alert ids per counter they concern (`Alert.counterIds`: a counter's
   * own alerts and the department alerts the server says concern it), so a
   * tile finds its own without scanning every alert.
   */
  alertIdsByCounter: Record<string, number[]>;
  /** Active department alerts (no counter of their own) per department: the wall's department header. */
  alertIdsByDepartment: Record<string, number[]>;
  /** Every alert id this console has been told about: only ones not seen before may chime. */
  seenAlertIds: Record<number, true>;
  /** Bumped when new critical alerts arrive (never by the first snapshot); the sound player listens to it. */
  criticalArrival: { seq: number; alertIds: number[] };
  /** The first snapshot has been applied: from then on, unseen critical alerts are news. */
  alertsLoaded: boolean;
  /** Alerts resolved while this console watched, newest first (bounded): the history page shows them without a refetch. */
  recentlyResolved: Alert[];
}

export interface AlertsSlice extends AlertsData {
  /** The alert chime is off; persisted on this device. */
  alertSoundMuted: boolean;
  /** Upserts from `alertsChanged` or a REST answer; resolved alerts leave the active list. */
  applyAlerts: (upserts: Alert[]) => void;
  setAlertSoundMuted: (muted: boolean) => void;
}

const MUTED_KEY = 'cw.alertSoundMuted';

export const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

export function highestSeverity(alerts: readonly Alert[]): AlertSeverity | null {
  let best: AlertSeverity | null = null;
  for (const a of alerts)
    if (best === null || SEVERITY_RANK[a.severity] > SEVERITY_RANK[best]) best = a.severity;
  return best;
}

export const emptyAlertsData: AlertsData = {
  alerts: {},
  alertIdsByCounter: {},
  alertIdsByDepartment: {},
  seenAlertIds: {},
  criticalArrival: { seq: 0, alertIds: [] },
  alertsLoaded: false,
  recentlyResolved: [],
};

const RECENTLY_RESOLVED_MAX = 100;

/**
 * Applies alerts to the active list. A snapshot (`replace`) carries every
 * active alert, so anything it lacks was resolved while we were away.
 */
export function reduceAlerts(data: AlertsData, incoming: Alert[], replace: boolean): AlertsData {
  const active = new Map<number, Alert>(replace ? [] : Object.values(data.alerts).map((a) => [a.id, a]));
  const seenAlertIds = { ...data.seenAlertIds };
  const newCritical: number[] = [];
  const resolvedNow: Alert[] = [];
  for (const alert of incoming) {
    const previous = data.alerts[alert.id];
    // An alert that escalates to critical is news too; a repeat of a known critical one is not.
    const becameCritical =
      alert.state === 'open' &&
      alert.severity === 'critical' &&
      (!(alert.id in data.seenAlertIds) || (previous !== undefined && previous.severity !== 'critical'));
    if (becameCritical && data.alertsLoaded) newCritical.push(alert.id);
    seenAlertIds[alert.id] = true;
    if (alert.state === 'resolved') {
      active.delete(alert.id);
      resolvedNow.push(alert);
    } else active.set(alert.id, alert);
  }
  const alerts: Record<number, Alert> = Object.fromEntries(active);
  const alertIdsByCounter: Record<string, number[]> = {};
  const alertIdsByDepartment: Record<string, number[]> = {};
  for (const alert of active.values()) {
    const concerned = new Set(alert.counterIds);
    if (alert.counterId !== null) concerned.add(alert.counterId);
    for (const id of concerned) (alertIdsByCounter[id] ??= []).push(alert.id);
    if (alert.counterId === null) (alertIdsByDepartment[alert.departmentId] ??= []).push(alert.id);
  }
  return {
    alerts,
    alertIdsByCounter,
    alertIdsByDepartment,
    seenAlertIds,
    criticalArrival:
      newCritical.length > 0
        ? { seq: data.criticalArrival.seq + 1, alertIds: newCritical }
        : data.criticalArrival,
    alertsLoaded: true,
    recentlyResolved:
      resolvedNow.length === 0
        ? data.recentlyResolved
        : [
            ...resolvedNow.reverse(),
            ...data.recentlyResolved.filter((a) => !resolvedNow.some((r) => r.id === a.id)),
          ].slice(0, RECENTLY_RESOLVED_MAX),
  };
}

export function alertsData(state: AlertsData): AlertsData {
  return {
    alerts: state.alerts,
    alertIdsByCounter: state.alertIdsByCounter,
    alertIdsByDepartment: state.alertIdsByDepartment,
    seenAlertIds: state.seenAlertIds,
    criticalArrival: state.criticalArrival,
    alertsLoaded: state.alertsLoaded,
    recentlyResolved: state.recentlyResolved,
  };
}

/** Open (not yet acknowledged) alerts: the number on the header badge. */
export function openAlertCount(state: Pick<AlertsData, 'alerts'>): number {
  let n = 0;
  for (const a of Object.values(state.alerts)) if (a.state === 'open') n++;
  return n;
}

export const createAlertsSlice: StateCreator<AppState, [], [], AlertsSlice> = (set) => ({
  ...emptyAlertsData,
  alertSoundMuted: storedChoice(MUTED_KEY, ['1', '0'], '0') === '1',
  applyAlerts: (upserts) => set((state) => reduceAlerts(alertsData(state), upserts, false)),
  setAlertSoundMuted: (alertSoundMuted) => {
    remember(MUTED_KEY, alertSoundMuted ? '1' : '0');
    set({ alertSoundMuted });
  },
});
