import type { ServerResponse } from 'node:http';
import { isValidS256Challenge } from './compute-pkce-challenge.ts';
import type { AuthorizeSession } from './create-fake-openai-auth-store.ts';
import type { FakeOpenAiAccount } from './fake-openai-account.ts';
import { findFakeOpenAiAccount } from './fake-openai-account.ts';
import type { FakeOpenAiAuthContext } from './fake-openai-auth-context.ts';
import {
  AUTHORIZE_SESSION_EXPIRED_MESSAGE,
  CODEX_REDIRECT_URIS,
  DEFAULT_SCOPE,
  OPENAI_CODEX_CLIENT_ID,
} from './openai-auth-constants.ts';
import { escapeHtml, sendHtmlErrorPage, sendHtmlPage } from './send-html-page.ts';

type AuthorizeProblem = { error: string; description: string };

/**
 * `GET /oauth/authorize` and the consent form it shows. Every validation failure is a 400 page and never a redirect:
 * the request may come from anywhere, and redirecting an unverified request would make the fake an open redirector.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 */
export function registerAuthorizeRoutes(context: FakeOpenAiAuthContext): void {
  const { router, store } = context;

  router.on('GET', '/oauth/authorize', (request, reply) => {
    const validated = validateAuthorizeRequest(request.url.searchParams);
    if ('error' in validated) {
      sendHtmlErrorPage({ reply, status: 400, ...validated });
      return;
    }
    const session = store.createAuthorizeSession(validated);
    const firstAccount = context.accounts[0];
    if (store.modes.autoApprove && firstAccount != null) {
      finishAuthorization({ context, reply, session: store.takeAuthorizeSession(session.id), account: firstAccount });
      return;
    }
    sendConsentPage({ context, reply, session });
  });

  router.on('POST', '/oauth/authorize/decision', (request, reply) => {
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
        description: AUTHORIZE_SESSION_EXPIRED_MESSAGE,
      });
      return;
    }
    const decision = form.get('decision');
    if (decision === 'deny') {
      redirect({
        reply,
        session,
        params: { error: 'access_denied', error_description: 'The user denied the authorization request.' },
      });
      return;
    }
    const account = findFakeOpenAiAccount({ accounts: context.accounts, selector: form.get('account') ?? undefined });
    if (decision !== 'approve' || account == null) {
      sendHtmlErrorPage({
        reply,
        status: 400,
        error: 'invalid_request',
        description: 'The decision must be approve or deny, for a known account.',
      });
      return;
    }
    finishAuthorization({ context, reply, session, account });
  });
}

function validateAuthorizeRequest(
  query: URLSearchParams,
): Omit<AuthorizeSession, 'id' | 'createdAt'> | AuthorizeProblem {
  const invalid = (description: string): AuthorizeProblem => ({ error: 'invalid_request', description });
  for (const name of new Set(query.keys())) {
    if (query.getAll(name).length > 1) return invalid(`The parameter "${name}" is repeated.`);
  }
  const clientId = query.get('client_id');
  if (clientId == null || clientId === '') return invalid('Missing required parameter: client_id.');
  if (clientId !== OPENAI_CODEX_CLIENT_ID) return { error: 'invalid_client', description: 'Unknown client_id.' };
  const redirectUri = query.get('redirect_uri');
  if (redirectUri == null || redirectUri === '') return invalid('Missing required parameter: redirect_uri.');
  // Exact string comparison, as Hydra does: no normalisation of case, trailing slashes or default ports.
  if (!CODEX_REDIRECT_URIS.includes(redirectUri)) {
    return invalid('The redirect_uri is not registered for this client.');
  }
  const responseType = query.get('response_type');
  if (responseType == null || responseType === '') return invalid('Missing required parameter: response_type.');
  if (responseType !== 'code') {
    return { error: 'unsupported_response_type', description: 'Only response_type=code is supported.' };
  }
  const method = query.get('code_challenge_method');
  if (method !== 'S256') return invalid('PKCE is required: code_challenge_method must be S256.');
  const codeChallenge = query.get('code_challenge');
  if (codeChallenge == null || codeChallenge === '') return invalid('Missing required parameter: code_challenge.');
  if (!isValidS256Challenge(codeChallenge)) return invalid('The code_challenge must be 43 base64url characters.');
  const state = query.get('state');
  if (state == null || state === '') return invalid('Missing required parameter: state.');
  // URLSearchParams decodes both `%20` (Codex) and `+` (form encoding, other clients) to a space.
  const scope = query.get('scope') ?? DEFAULT_SCOPE;
  return { redirectUri, codeChallenge, scope, state };
}

function finishAuthorization(options: {
  context: FakeOpenAiAuthContext;
  reply: ServerResponse;
  session: AuthorizeSession | undefined;
  account: FakeOpenAiAccount;
}): void {
  const { context, reply, session, account } = options;
  if (session == null) {
    sendHtmlErrorPage({ reply, status: 400, error: 'invalid_request', description: AUTHORIZE_SESSION_EXPIRED_MESSAGE });
    return;
  }
  if (context.store.modes.isCodexEntitlementMissing) {
    redirect({ reply, session, params: { error: 'access_denied', error_description: 'missing_codex_entitlement' } });
    return;
  }
  const code = context.store.createAuthorizationCode({
    account,
    redirectUris: [session.redirectUri],
    codeChallenge: session.codeChallenge,
    scope: session.scope,
    grant: 'authorization_code',
  });
  redirect({ reply, session, params: { code: code.code, scope: session.scope } });
}

function redirect(options: { reply: ServerResponse; session: AuthorizeSession; params: Record<string, string> }): void {
  const { reply, session } = options;
  // `state` last, as the real server orders it; URLSearchParams writes spaces as `+` as in observed callbacks.
  const query = new URLSearchParams({ ...options.params, state: session.state });
  reply.writeHead(302, { location: `${session.redirectUri}?${query}`, 'cache-control': 'no-store' });
  reply.end();
}

function sendConsentPage(options: {
  context: FakeOpenAiAuthContext;
  reply: ServerResponse;
  session: AuthorizeSession;
}): void {
  const { context, reply, session } = options;
  const choices = context.accounts
    .map(
      (account, index) =>
        `<label><input type="radio" name="account" value="${escapeHtml(account.chatgptAccountId)}"${
          index === 0 ? ' checked' : ''
        } data-testid="account-${index}"> ${escapeHtml(account.email)} (${escapeHtml(account.planType)})</label><br>`,
    )
    .join('\n');
  sendHtmlPage({
    reply,
    title: 'Sign in to Codex with ChatGPT',
    body: `<p>Fake auth.openai.com: choose an account for <code>${escapeHtml(session.redirectUri)}</code>.</p>
<form method="post" action="/oauth/authorize/decision">
<input type="hidden" name="session" value="${escapeHtml(session.id)}">
${choices}
<p><button type="submit" name="decision" value="approve" data-testid="approve">Approve</button>
<button type="submit" name="decision" value="deny" data-testid="deny">Deny</button></p>
</form>`,
  });
}
