import type { ServerResponse } from 'node:http';
import * as pages from '../oauth-server/consent-pages.ts';
import { findRepeatedParam, isValidS256Challenge, redirectTo } from '../oauth-server/oauth-wire.ts';
import type { AuthorizeRequest, FakeGoogleAccount, GoogleOAuthContext } from './create-fake-google-oauth-store.ts';
import * as store from './create-fake-google-oauth-store.ts';

export const AUTHORIZE_PATH = '/o/oauth2/v2/auth';
const DECISION_PATH = '/o/oauth2/v2/auth/decision';

/**
 * `GET /o/oauth2/v2/auth` and its consent page. A request failing validation gets an error page, never a redirect (as
 * Google's "Error 400: redirect_uri_mismatch"): only the user's decision (or `prompt=none`) goes back to the client.
 */
export function registerGoogleAuthorizeRoutes(context: GoogleOAuthContext): void {
  context.router.on('GET', AUTHORIZE_PATH, (request, reply) => {
    const validated = validateAuthorizeRequest(context, request.url.searchParams);
    if ('error' in validated) return pages.sendHtmlErrorPage({ reply, ...validated });
    const { state } = context;
    const account = state.findAccount(validated.loginHint) ?? state.accounts[0];
    const approve = () => redirectTo(reply, approveAuthorization(context, validated, account));
    if (validated.prompts.includes('none')) {
      // Google cannot ask, so without an earlier consent it answers with an error instead.
      if (state.consents.has(store.consentKey(validated.clientId, account))) return approve();
      return redirectTo(reply, callbackUrl(validated, { error: 'consent_required', state: validated.state }));
    }
    if (state.modes.autoApprove) return approve();
    sendConsentPage(context, reply, { ...state.sessions.create(validated), account });
  });
  pages.registerConsentDecision<AuthorizeRequest, FakeGoogleAccount>({
    router: context.router,
    path: DECISION_PATH,
    expiredMessage: 'The sign-in session is unknown, already decided or expired.',
    takeSession: (id) => context.state.sessions.take(id),
    findAccount: (selector) => context.state.findAccount(selector),
    deny: denyAuthorization,
    // The page lists each optional scope as a checkbox; without the marker (a hand-made form) all are granted.
    approve: (session, account, form) =>
      approveAuthorization(context, session, account, form.has('granular') ? form.getAll('scope') : undefined),
  });
}

/**
 * The user approved: a code bound to the client, redirect URI and PKCE challenge; `grantedScopes` unticks optional
 * scopes (granular consent). A refresh token comes only for `access_type=offline` on a first consent or with
 * `prompt=consent` (docs/google-protocol.md §1.4, §5.1). Returns the callback URL.
 */
export function approveAuthorization(
  context: GoogleOAuthContext,
  request: AuthorizeRequest,
  account: FakeGoogleAccount,
  grantedScopes?: readonly string[],
): string {
  const { state } = context;
  if (state.modes.isConsentDenied) return denyAuthorization(request);
  const scopes = request.scopes.filter(
    (scope) => !isOptionalScope(scope) || (grantedScopes ?? [scope]).includes(scope),
  );
  const key = store.consentKey(request.clientId, account);
  const isConsentShown = !state.consents.has(key) || request.prompts.includes('consent');
  const code = store.createAuthorizationCode(context, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    scopes,
    account,
    isRefreshTokenIssued: request.accessType === 'offline' && isConsentShown,
  });
  state.consents.add(key);
  // Google's order: state first, then code and scope, then its own authuser/prompt extras.
  const authuser = String(Math.max(0, state.accounts.indexOf(account)));
  const prompt = isConsentShown ? 'consent' : 'none';
  return callbackUrl(request, { state: request.state, code, scope: scopes.join(' '), authuser, prompt });
}

/** The user clicked Cancel: Google redirects with `error=access_denied` and the state, nothing else. */
export function denyAuthorization(request: AuthorizeRequest): string {
  return callbackUrl(request, { error: 'access_denied', state: request.state });
}

/** Percent-encoded (a space is `%20`), in the given order, as Google writes its callbacks. */
function callbackUrl(request: AuthorizeRequest, params: Record<string, string>): string {
  const query = Object.entries(params)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
  return `${request.redirectUri}${request.redirectUri.includes('?') ? '&' : '?'}${query}`;
}

function validateAuthorizeRequest(
  context: GoogleOAuthContext,
  query: URLSearchParams,
): AuthorizeRequest | { status: number; error: string; description: string } {
  const invalid = (description: string) => ({ status: 400, error: 'invalid_request', description });
  const repeated = findRepeatedParam(query);
  if (repeated != null) return invalid(`Parameter "${repeated}" must be provided only once.`);
  const clientId = query.get('client_id') ?? '';
  if (clientId === '') return invalid('Missing required parameter: client_id');
  const client = context.state.clients.get(clientId);
  if (client == null) return { status: 401, error: 'invalid_client', description: 'The OAuth client was not found.' };
  const redirectUri = query.get('redirect_uri') ?? '';
  if (redirectUri === '') return invalid('Missing required parameter: redirect_uri');
  if (!client.redirectUris.includes(redirectUri)) {
    const description = `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. Request details: redirect_uri=${redirectUri}`;
    return { status: 400, error: 'redirect_uri_mismatch', description };
  }
  const responseType = query.get('response_type') ?? '';
  if (responseType === '') return invalid('Required parameter is missing: response_type');
  if (responseType !== 'code') {
    return { status: 400, error: 'unsupported_response_type', description: `Invalid response_type: ${responseType}` };
  }
  const scope = query.get('scope')?.trim() ?? '';
  if (scope === '') return invalid('Missing required parameter: scope');
  const { valid, invalid: unknown } = store.parseGoogleScopes(scope);
  if (unknown.length > 0) {
    const description = `Some requested scopes were invalid. {valid=[${valid.join(', ')}], invalid=[${unknown.join(', ')}]}`;
    return { status: 400, error: 'invalid_scope', description };
  }
  const missingScope = context.state.requiredScopes.find((required) => !valid.includes(required));
  if (missingScope != null) {
    return { status: 400, error: 'invalid_scope', description: `Missing required scope: ${missingScope}` };
  }
  // Google lets confidential web clients skip PKCE; the fake demands S256 because the gateway always sends it.
  const codeChallenge = query.get('code_challenge') ?? '';
  if (codeChallenge === '') return invalid('Missing required parameter: code_challenge');
  if (query.get('code_challenge_method') !== 'S256') return invalid('code_challenge_method must be S256.');
  if (!isValidS256Challenge(codeChallenge)) return invalid('Invalid code_challenge.');
  const state = query.get('state') ?? '';
  if (state === '') return invalid('Missing required parameter: state');
  const accessType = query.get('access_type') ?? 'online';
  if (accessType !== 'online' && accessType !== 'offline') return invalid(`Invalid access_type: ${accessType}`);
  const prompts = (query.get('prompt') ?? '').split(' ').filter((prompt) => prompt !== '');
  const unknownPrompt = prompts.find((prompt) => !['none', 'consent', 'select_account'].includes(prompt));
  if (unknownPrompt != null) return invalid(`Invalid prompt: ${unknownPrompt}`);
  const isNoneCombined = prompts.includes('none') && prompts.length > 1;
  if (isNoneCombined) return invalid('prompt=none cannot be combined with other values.');
  const loginHint = query.get('login_hint') ?? undefined;
  return { clientId, redirectUri, state, codeChallenge, scopes: valid, accessType, prompts, loginHint };
}

function sendConsentPage(
  context: GoogleOAuthContext,
  reply: ServerResponse,
  session: AuthorizeRequest & { id: string; account: FakeGoogleAccount },
): void {
  const { accounts } = context.state;
  const html = pages.escapeHtml;
  const scopes = session.scopes.map((scope) =>
    isOptionalScope(scope)
      ? `<label><input type="checkbox" name="scope" value="${html(scope)}" checked data-testid="scope"> ${html(scope)}</label><br>`
      : `<span data-testid="basic-scope">${html(scope)}</span><br>`,
  );
  const form = pages.renderDecisionForm({
    action: DECISION_PATH,
    fields: `<input type="hidden" name="session" value="${html(session.id)}">\n<input type="hidden" name="granular" value="1">`,
    accounts: accounts.map((account) => ({ value: account.sub, label: account.email })),
    checkedIndex: accounts.indexOf(session.account),
    extra: `<p>${scopes.join('\n')}</p>\n`,
    buttons: ['Continue', 'Cancel'],
  });
  const intro = `<p>Fake accounts.google.com: <code>${html(session.clientId)}</code> wants access for
<code>${html(session.redirectUri)}</code>.</p>`;
  pages.sendHtmlPage({ reply, title: 'Sign in with Google', body: `${intro}\n${form}` });
}

/** Scopes Google's granular consent screen lets the user untick: all but the basic sign-in ones. */
function isOptionalScope(scope: string): boolean {
  return !['openid', store.EMAIL_SCOPE, store.PROFILE_SCOPE].includes(scope);
}
