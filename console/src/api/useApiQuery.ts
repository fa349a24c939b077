import { useCallback, useEffect, useState } from 'react';
import type { z } from 'zod';
import { apiRequest } from './http';

export interface ApiQuery<T> {
  data: T | null;
  error: unknown;
  loading: boolean;
  /** Loads again (after a change elsewhere, or on demand). */
  reload: () => void;
  /** Replaces the data with a fresher answer (an action's response). */
  setData: (data: T) => void;
}

/**
 * `GET path` validated by `schema`, again whenever the path changes; null
 * loads nothing. A late answer for an older path is dropped. The schema
 * should be a module constant: it is not a reason to reload.
 */
export function useApiQuery<S extends z.ZodType>(path: string | null, schema: S): ApiQuery<z.output<S>> {
  const [data, setData] = useState<z.output<S> | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (path === null) {
      setData(null);
      setLoading(false);
      return;
    }
    let current = true;
    setLoading(true);
    setError(null);
    apiRequest('GET', path, schema)
      .then((result) => {
        if (current) setData(result);
      })
      .catch((e: unknown) => {
        if (current) setError(e); // shown beside the last good answer
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
    // The schema is a constant per call site.
  }, [path, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload, setData };
}
