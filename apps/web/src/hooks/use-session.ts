import { useQuery } from '@tanstack/react-query';
import { fetchSession } from '../api/auth.ts';
import { queryKeys } from '../api/query-keys.ts';

/** The current session; every route decision and every write's CSRF token comes from here. */
export function useSession() {
  return useQuery({
    queryKey: queryKeys.session,
    queryFn: ({ signal }) => fetchSession(signal),
    // Refetched on window focus, so a session that expired in the background sends the user to sign in.
    staleTime: 30_000,
  });
}
