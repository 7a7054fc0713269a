import type { SessionState } from '@pag/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { isApiError } from '../api/api-error.ts';
import { signOut } from '../api/auth.ts';
import { queryKeys } from '../api/query-keys.ts';
import { useSession } from './use-session.ts';

const SIGNED_OUT: SessionState = { setupRequired: false, user: null, csrfToken: null };

/**
 * Signs out, and forgets what the cache held for the account that left (the session becomes signed out, so the
 * page shows sign-in). A session already gone on the server (expired, signed out in another tab) is the same
 * outcome for the user, so it is not an error: `visibleError` is what is worth showing.
 */
export function useSignOut(options: { onSignedOut?: () => void } = {}) {
  const queryClient = useQueryClient();
  const csrfToken = useSession().data?.csrfToken ?? null;
  const forgetSession = () => {
    options.onSignedOut?.();
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== queryKeys.session[0] });
    queryClient.setQueryData(queryKeys.session, SIGNED_OUT);
  };
  const mutation = useMutation({
    mutationFn: () => signOut(csrfToken),
    onSuccess: forgetSession,
    onError: (error) => {
      if (isApiError(error) && error.code === 'unauthenticated') forgetSession();
    },
  });
  const isAlreadySignedOut = isApiError(mutation.error) && mutation.error.code === 'unauthenticated';
  return { ...mutation, visibleError: isAlreadySignedOut ? null : mutation.error };
}
