import { useEffect } from 'react';
import { dropConnection } from './connection-store.ts';
import { isUnauthenticated } from './describe-ai-error.ts';

/**
 * Any AI call that the gateway answers `unauthenticated` means the app was disconnected in the gateway (or its
 * grant ended): the app forgets the connection at once, so every page shows "Not connected".
 */
export function useAiErrorEffect(error: unknown): void {
  useEffect(() => {
    if (isUnauthenticated(error)) dropConnection();
  }, [error]);
}
