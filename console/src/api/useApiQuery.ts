import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
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

/** The cache key of a GET: the path names the resource (a call site's schema is a module constant). */
const keyOf = (path: string | null) => ['GET', path] as const;

/**
 * `GET path` validated by `schema`, through the console's query cache
 * (TanStack Query): again whenever the path changes, and the previous answer
 * stays on screen until the new one comes; null loads nothing. A late answer
 * for an older path never replaces a newer one.
 */
export function useApiQuery<S extends z.ZodType>(path: string | null, schema: S): ApiQuery<z.output<S>> {
  const client = useQueryClient();
  const query = useQuery({
    queryKey: keyOf(path),
    queryFn: () => apiRequest('GET', path ?? '', schema) as Promise<z.output<S>>,
    enabled: path !== null,
    placeholderData: keepPreviousData,
  });
  const { refetch } = query;
  const reload = useCallback(() => void refetch(), [refetch]);
  const setData = useCallback((data: z.output<S>) => client.setQueryData(keyOf(path), data), [client, path]);
  return {
    data: path === null ? null : (query.data ?? null),
    error: query.error,
    loading: path !== null && query.isFetching,
    reload,
    setData,
  };
}
