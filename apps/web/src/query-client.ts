import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { isApiError } from './api/api-error.ts';
import { queryKeys } from './api/query-keys.ts';

/**
 * Errors that mean the session the page holds is no longer the server's: expired, signed out in another tab, or
 * a new CSRF token. Refetching the session lets the router send the user to sign in again.
 */
function isStaleSessionError(error: unknown): boolean {
  return isApiError(error) && (error.code === 'unauthenticated' || error.code === 'csrf_failed');
}

export function createQueryClient(): QueryClient {
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (query.queryKey[0] !== queryKeys.session[0] && isStaleSessionError(error)) {
          void queryClient.invalidateQueries({ queryKey: queryKeys.session });
        }
      },
    }),
    mutationCache: new MutationCache({
      onError: (error) => {
        if (isStaleSessionError(error)) void queryClient.invalidateQueries({ queryKey: queryKeys.session });
      },
    }),
    defaultOptions: {
      queries: {
        // A 4xx will answer the same again; only a lost connection is worth one more try.
        retry: (failureCount, error) => failureCount < 2 && isApiError(error) && error.code === 'network_error',
      },
    },
  });
  return queryClient;
}
