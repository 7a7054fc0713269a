import type { AuthorizeSession } from './create-fake-google-oauth-store.ts';
import type { FakeGoogleAccount } from './fake-google-account.ts';
import type { FakeGoogleOAuthContext } from './fake-google-oauth-context.ts';
import { USERINFO_EMAIL_SCOPE, USERINFO_PROFILE_SCOPE } from './google-oauth-constants.ts';

/** Scopes Google's granular consent screen never lets the user untick. */
const BASIC_SCOPES: ReadonlySet<string> = new Set(['openid', USERINFO_EMAIL_SCOPE, USERINFO_PROFILE_SCOPE]);

/** Whether a requested scope shows up as a checkbox the user may untick on the consent page. */
export function isOptionalScope(scope: string): boolean {
  return !BASIC_SCOPES.has(scope);
}

/**
 * The user approved: issues a code bound to the session's client, redirect URI and PKCE challenge, and returns the
 * callback URL. `grantedScopes` lets a test untick scopes, as Google's granular consent allows; basic scopes stay.
 * A refresh token will come with the code only for `access_type=offline` on a first consent or with
 * `prompt=consent` (docs/google-protocol.md §1.4, §5.1).
 */
export function approveAuthorization(options: {
  context: FakeGoogleOAuthContext;
  session: AuthorizeSession;
  account: FakeGoogleAccount;
  grantedScopes?: readonly string[] | undefined;
}): string {
  const { context, session, account } = options;
  const { store } = context;
  if (store.modes.isConsentDenied) return denyAuthorization({ session });
  const granted =
    options.grantedScopes == null
      ? session.scopes
      : session.scopes.filter((scope) => !isOptionalScope(scope) || options.grantedScopes?.includes(scope));
  const isFirstConsent = !store.hasConsent(session.clientId, account);
  const isConsentShown = isFirstConsent || session.prompts.includes('consent');
  const code = store.createAuthorizationCode({
    clientId: session.clientId,
    redirectUri: session.redirectUri,
    codeChallenge: session.codeChallenge,
    scopes: granted,
    account,
    isRefreshTokenIssued: session.accessType === 'offline' && isConsentShown,
  });
  store.recordConsent(session.clientId, account);
  // Google's order: state first, then code and scope, then its own authuser/prompt extras.
  return buildCallbackUrl(session.redirectUri, [
    ['state', session.state],
    ['code', code.code],
    ['scope', granted.join(' ')],
    ['authuser', String(Math.max(0, context.accounts.indexOf(account)))],
    ['prompt', isConsentShown ? 'consent' : 'none'],
  ]);
}

/** The user clicked Cancel: Google redirects with `error=access_denied` and the state, nothing else. */
export function denyAuthorization(options: { session: AuthorizeSession }): string {
  return buildCallbackUrl(options.session.redirectUri, [
    ['error', 'access_denied'],
    ['state', options.session.state],
  ]);
}

/** `prompt=none` without an earlier consent: Google cannot ask, so it answers with an error instead. */
export function refuseSilentAuthorization(options: { session: AuthorizeSession }): string {
  return buildCallbackUrl(options.session.redirectUri, [
    ['error', 'consent_required'],
    ['state', options.session.state],
  ]);
}

function buildCallbackUrl(redirectUri: string, params: ReadonlyArray<readonly [string, string]>): string {
  const query = params.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${query}`;
}
