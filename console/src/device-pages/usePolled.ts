import { useCallback, useEffect, useRef, useState } from 'react';

export interface Polled<T> {
  data: T | null;
  error: unknown;
  /** Loads now (after an action, or on demand) instead of waiting for the next tick. */
  refresh: () => void;
  /** Replaces the data with a fresher answer (an action's response). */
  setData: (data: T) => void;
}

/**
 * Loads `fetcher` now and every `intervalMs` after each answer (never two
 * at once, so a slow server is not flooded). A new `key` starts over.
 */
export function usePolled<T>(fetcher: () => Promise<T>, intervalMs: number, key: string): Polled<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;
  const kick = useRef<() => void>(() => undefined);

  useEffect(() => {
    setData(null);
    setError(null);
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight = false;
    const load = (): void => {
      clearTimeout(timer);
      if (inFlight) return;
      inFlight = true;
      fetcherRef
        .current()
        .then((value) => {
          if (!current) return;
          setData(value);
          setError(null);
        })
        .catch((e: unknown) => {
          if (current) setError(e); // the last good answer stays on screen with the error beside it
        })
        .finally(() => {
          inFlight = false;
          if (current) timer = setTimeout(load, intervalMs);
        });
    };
    kick.current = load;
    load();
    return () => {
      current = false;
      clearTimeout(timer);
      kick.current = () => undefined;
    };
  }, [key, intervalMs]);

  const refresh = useCallback(() => kick.current(), []);
  return { data, error, refresh, setData };
}
