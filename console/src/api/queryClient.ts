import { QueryClient } from '@tanstack/react-query';

/**
 * The console's cache of REST answers (TanStack Query). A page opened again
 * shows what it had at once and refreshes it. No automatic retries or focus
 * refetches: an error is shown as it happens (beside the last good answer),
 * and live state comes over the socket, not from polling.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: false,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        // Answers are fresh only when asked for: every mount asks again, and shows the cached one meanwhile.
        staleTime: 0,
        gcTime: 5 * 60_000,
      },
    },
  });
}
