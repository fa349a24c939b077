import { AlertResponseSchema, type Alert } from '@counterwatch/shared';
import { apiRequest } from '../api/http';
import { useStore } from '../store/store';

/**
 * Acknowledges alerts one by one through the alert API (each audited by the
 * server as from the alerts page). Applies each answer at once so the click
 * feels immediate; the server broadcasts the change to every console too.
 * Alerts someone else acknowledged meanwhile are not an error.
 */
export async function acknowledgeAlerts(ids: readonly number[]): Promise<Alert[]> {
  const done: Alert[] = [];
  for (const id of ids) {
    const { alert } = await apiRequest('POST', `/api/v1/alerts/${id}/acknowledge`, AlertResponseSchema, {});
    useStore.getState().applyAlerts([alert]);
    done.push(alert);
  }
  return done;
}
