import type { Router } from '../create-router.ts';
import type { FakeGoogleOAuthStore } from './create-fake-google-oauth-store.ts';
import type { GoogleIdTokenSigner } from './create-google-id-token-signer.ts';
import type { FakeGoogleAccount } from './fake-google-account.ts';

/** What every route group of the fake shares. */
export type FakeGoogleOAuthContext = {
  router: Router;
  store: FakeGoogleOAuthStore;
  signer: GoogleIdTokenSigner;
  accounts: readonly FakeGoogleAccount[];
  /** Scopes every authorize request must include (after alias expansion). */
  requiredScopes: readonly string[];
  /** The fake's base URL, known once it listens. */
  getBaseUrl: () => string;
};
