import type { ServerResponse } from 'node:http';
import { escapeHtml, sendHtmlErrorPage, sendHtmlPage } from '../openai-auth/send-html-page.ts';
import type { AuthorizeSession } from './create-fake-google-oauth-store.ts';
import {
  approveAuthorization,
  denyAuthorization,
  isOptionalScope,
  refuseSilentAuthorization,
} from './decide-google-authorization.ts';
import { findFakeGoogleAccount } from './fake-google-account.ts';
import type { FakeGoogleOAuthContext } from './fake-google-oauth-context.ts';
import { parseGoogleScopes } from './parse-google-scopes.ts';

export const AUTHORIZE_PATH = '/o/oauth2/v2/auth';
export const CONSENT_DECISION_PATH = '/o/oauth2/v2/auth/decision';

type AuthorizeProblem = { status: number; error: string; description: string };
type ValidatedAuthorizeRequest = Omit<AuthorizeSession, 'id' | 'createdAt'>;

/**
 * `GET /o/oauth2/v2/auth` and the consent form it shows. A request that fails validation gets a 400/401 error page
 * and never a redirect, as Google shows "Error 400: redirect_uri_mismatch" and the like on its own page: the request
 * is not trusted yet, and redirecting it would make the fake an open redirector. Only the user's decision (or
 * `prompt=none`) goes back to the client.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 */
export function registerGoogleAuthorizeRoutes(context: FakeGoogleOAuthContext): void {
  const { router, store } = context;

  router.on('GET', AUTHORIZE_PATH, (request, reply) => {
    const validated = validateAuthorizeRequest({ context, query: request.url.searchParams });
    if ('error' in validated) {
      sendHtmlErrorPage({ reply, ...validated });
      return;
    }
    const session = store.createAuthorizeSession(validated);
    const account = findFakeGoogleAccount({ accounts: context.accounts, selector: session.loginHint });
    const hintedOrFirst = account ?? context.accounts[0];
    if (session.prompts.includes('none')) {
      store.takeAuthorizeSession(session.id);
      const location =
        hintedOrFirst != null && store.hasConsent(session.clientId, hintedOrFirst)
          ? approveAuthorization({ context, session, account: hintedOrFirst })
          : refuseSilentAuthorization({ session });
      redirect({ reply, location });
      return;
    }
    if (store.modes.autoApprove && hintedOrFirst != null) {
      store.takeAuthorizeSession(session.id);
      redirect({ reply, location: approveAuthorization({ context, session, account: hintedOrFirst }) });
      return;
    }
    sendConsentPage({ context, reply, session });
  });

  router.on('POST', CONSENT_DECISION_PATH, (request, reply) => {
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/x-www-form-urlencoded') {
      sendHtmlErrorPage({
        reply,
        status: 400,
        error: 'invalid_request',
        description: 'The form must be form-encoded.',
      });
      return;
    }
    const form = request.form();
    const session = store.takeAuthorizeSession(form.get('session') ?? '');
    if (session == null) {
      sendHtmlErrorPage({
        reply,
        status: 400,
        error: 'invalid_request',
        description: 'The sign-in session is unknown, already decided or expired.',
      });
      return;
    }
    const decision = form.get('decision');
    if (decision === 'deny') {
      redirect({ reply, location: denyAuthorization({ session }) });
      return;
    }
    const account = findFakeGoogleAccount({ accounts: context.accounts, selector: form.get('account') ?? undefined });
    if (decision !== 'approve' || account == null) {
      sendHtmlErrorPage({
        reply,
        status: 400,
        error: 'invalid_request',
        description: 'The decision must be approve or deny, for a known account.',
      });
      return;
    }
    // The page lists each optional scope as a checkbox; without the marker (a hand-made form) all are granted.
    const grantedScopes = form.has('granular') ? form.getAll('scope') : undefined;
    redirect({ reply, location: approveAuthorization({ context, session, account, grantedScopes }) });
  });
}

function validateAuthorizeRequest(options: {
  context: FakeGoogleOAuthContext;
  query: URLSearchParams;
}): ValidatedAuthorizeRequest | AuthorizeProblem {
  const { context, query } = options;
  const invalid = (description: string): AuthorizeProblem => ({ status: 400, error: 'invalid_request', description });
  for (const name of new Set(query.keys())) {
    if (query.getAll(name).length > 1) return invalid(`Parameter "${name}" must be provided only once.`);
  }
  const clientId = query.get('client_id');
  if (clientId == null || clientId === '') return invalid('Missing required parameter: client_id');
  const client = context.store.findClient(clientId);
  if (client == null) return { status: 401, error: 'invalid_client', description: 'The OAuth client was not found.' };
  const redirectUri = query.get('redirect_uri');
  if (redirectUri == null || redirectUri === '') return invalid('Missing required parameter: redirect_uri');
  if (!client.redirectUris.includes(redirectUri)) {
    return {
      status: 400,
      error: 'redirect_uri_mismatch',
      description: `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. Request details: redirect_uri=${redirectUri}`,
    };
  }
  const responseType = query.get('response_type');
  if (responseType == null || responseType === '') return invalid('Required parameter is missing: response_type');
  if (responseType !== 'code') {
    return { status: 400, error: 'unsupported_response_type', description: `Invalid response_type: ${responseType}` };
  }
  const scope = query.get('scope');
  if (scope == null || scope.trim() === '') return invalid('Missing required parameter: scope');
  const parsed = parseGoogleScopes(scope);
  if (parsed.kind === 'invalid') {
    return {
      status: 400,
      error: 'invalid_scope',
      description: `Some requested scopes were invalid. {valid=[${parsed.valid.join(', ')}], invalid=[${parsed.invalid.join(', ')}]}`,
    };
  }
  const missingScope = context.requiredScopes.find((required) => !parsed.scopes.includes(required));
  if (missingScope != null) {
    return { status: 400, error: 'invalid_scope', description: `Missing required scope: ${missingScope}` };
  }
  // Google itself lets confidential web clients skip PKCE; the fake demands S256 because the gateway always sends it.
  const codeChallenge = query.get('code_challenge');
  if (codeChallenge == null || codeChallenge === '') return invalid('Missing required parameter: code_challenge');
  if (query.get('code_challenge_method') !== 'S256') return invalid('code_challenge_method must be S256.');
  if (!/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) return invalid('Invalid code_challenge.');
  const state = query.get('state');
  if (state == null || state === '') return invalid('Missing required parameter: state');
  const accessType = query.get('access_type') ?? 'online';
  if (accessType !== 'online' && accessType !== 'offline') return invalid(`Invalid access_type: ${accessType}`);
  const prompts = (query.get('prompt') ?? '').split(' ').filter((prompt) => prompt !== '');
  const unknownPrompt = prompts.find((prompt) => !['none', 'consent', 'select_account'].includes(prompt));
  if (unknownPrompt != null) return invalid(`Invalid prompt: ${unknownPrompt}`);
  if (prompts.includes('none') && prompts.length > 1)
    return invalid('prompt=none cannot be combined with other values.');
  const loginHint = query.get('login_hint') ?? undefined;
  return { clientId, redirectUri, state, codeChallenge, scopes: parsed.scopes, accessType, prompts, loginHint };
}

function redirect(options: { reply: ServerResponse; location: string }): void {
  options.reply.writeHead(302, { location: options.location, 'cache-control': 'no-store' });
  options.reply.end();
}

function sendConsentPage(options: {
  context: FakeGoogleOAuthContext;
  reply: ServerResponse;
  session: AuthorizeSession;
}): void {
  const { context, reply, session } = options;
  const preselected = findFakeGoogleAccount({ accounts: context.accounts, selector: session.loginHint });
  const accounts = context.accounts
    .map(
      (account, index) =>
        `<label><input type="radio" name="account" value="${escapeHtml(account.sub)}"${
          account === (preselected ?? context.accounts[0]) ? ' checked' : ''
        } data-testid="account-${index}"> ${escapeHtml(account.email)}</label><br>`,
    )
    .join('\n');
  const scopes = session.scopes
    .map((scope) =>
      isOptionalScope(scope)
        ? `<label><input type="checkbox" name="scope" value="${escapeHtml(scope)}" checked data-testid="scope"> ${escapeHtml(scope)}</label><br>`
        : `<span data-testid="basic-scope">${escapeHtml(scope)}</span><br>`,
    )
    .join('\n');
  sendHtmlPage({
    reply,
    title: 'Sign in with Google',
    body: `<p>Fake accounts.google.com: <code>${escapeHtml(session.clientId)}</code> wants access for
<code>${escapeHtml(session.redirectUri)}</code>.</p>
<form method="post" action="${CONSENT_DECISION_PATH}">
<input type="hidden" name="session" value="${escapeHtml(session.id)}">
<input type="hidden" name="granular" value="1">
${accounts}
<p>${scopes}</p>
<p><button type="submit" name="decision" value="approve" data-testid="approve">Continue</button>
<button type="submit" name="decision" value="deny" data-testid="deny">Cancel</button></p>
</form>`,
  });
}
