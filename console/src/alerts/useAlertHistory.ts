import { useCallback, useEffect, useState } from 'react';
import { AlertListSchema, type Alert, type AlertSeverity } from '@counterwatch/shared';
import { apiRequest, queryString } from '../api/http';

export interface AlertHistoryQuery {
  departmentId: string;
  severity: AlertSeverity | '';
  /** Epoch ms bounds, already in the departments' zone. */
  from: number | null;
  to: number | null;
}

export interface AlertHistory {
  alerts: Alert[];
  loading: boolean;
  error: unknown;
  reload: () => void;
}

const HISTORY_LIMIT = 200;

/** Resolved alerts from `GET /api/v1/alerts` (the live list only holds active ones). */
export function useAlertHistory(query: AlertHistoryQuery, enabled: boolean): AlertHistory {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);
  const { departmentId, severity, from, to } = query;

  useEffect(() => {
    if (!enabled) return;
    let current = true;
    setLoading(true);
    setError(null);
    const path = `/api/v1/alerts${queryString({
      state: 'resolved',
      departmentId,
      severity,
      from,
      to,
      limit: HISTORY_LIMIT,
    })}`;
    apiRequest('GET', path, AlertListSchema)
      .then((result) => {
        if (current) setAlerts(result.alerts);
      })
      .catch((e: unknown) => {
        if (current) setError(e);
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false; // a newer query answers instead
    };
  }, [enabled, departmentId, severity, from, to, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { alerts, loading, error, reload };
}
