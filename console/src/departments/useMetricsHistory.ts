import { useEffect, useState } from 'react';
import { MetricsHistorySchema, type MetricsHistory } from '@counterwatch/shared';
import { apiRequest, queryString } from '../api/http';
import { startOfLocalDay } from '../i18n/i18n';
import { useStore } from '../store/store';

export const HISTORY_REFRESH_MS = 30_000;

/** Today's history of one department, refetched every 30 s while the panel is open. */
export function useMetricsHistory(departmentId: string | null): {
  history: MetricsHistory | null;
  error: unknown;
} {
  const [history, setHistory] = useState<MetricsHistory | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    setHistory(null);
    setError(null);
    if (departmentId === null) return;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = (): void => {
      const now = Date.now() + useStore.getState().serverOffsetMs;
      const path = `/api/v1/metrics/history${queryString({ departmentId, from: startOfLocalDay(now), to: now })}`;
      apiRequest('GET', path, MetricsHistorySchema)
        .then((result) => {
          if (!current) return;
          setHistory(result);
          setError(null);
        })
        .catch((e: unknown) => {
          if (current) setError(e); // the last good history stays on screen
        })
        .finally(() => {
          // The next load is scheduled after this one ends, so slow answers never pile up.
          if (current) timer = setTimeout(load, HISTORY_REFRESH_MS);
        });
    };
    load();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [departmentId]);

  return { history, error };
}
