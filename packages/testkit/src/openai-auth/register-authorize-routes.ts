import { randomBytes, randomInt } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { FakeRequest } from '../fake-request.ts';
import * as pages from '../oauth-server/consent-pages.ts';
import * as wire from '../oauth-server/oauth-wire.ts';
import { sendJson } from '../send-json.ts';
import type { AuthorizeRequest, FakeOpenAiAccount, OpenAiAuthContext } from './create-fake-openai-auth-store.ts';
import { createAuthorizationCode } from './create-fake-openai-auth-store.ts';
import * as facts from './openai-auth-constants.ts';
import { openAiErrorSender } from './register-token-routes.ts';

/**
 * `GET /oauth/authorize` with its consent page (a failed validation is a 400 page, never a redirect: the request may
 * come from anywhere), and device login as `codex login --device-auth` uses it (docs/codex-protocol.md §1.6).
 */
export function registerAuthorizeRoutes(context: OpenAiAuthContext): void {
  const { router } = context;
  router.on('GET', '/oauth/authorize', (request, reply) => {
    const validated = validateAuthorizeRequest(request.url.searchParams);
    if ('error' in validated) return pages.sendHtmlErrorPage({ reply, status: 400, ...validated });
    const { state } = context;
    const first = state.accounts[0];
    if (state.modes.autoApprove && first != null) return wire.redirectTo(reply, approve(context, validated, first));
    const session = state.sessions.create(validated);
    const fields = `<input type="hidden" name="session" value="${pages.escapeHtml(session.id)}">`;
    const form = pages.renderDecisionForm({ action: '/oauth/authorize/decision', fields, accounts: choices(context) });
    const prompt = `<p>Fake auth.openai.com: choose an account for <code>${pages.escapeHtml(session.redirectUri)}</code>.</p>`;
    pages.sendHtmlPage({ reply, title: 'Sign in to Codex with ChatGPT', body: `${prompt}\n${form}` });
  });
  pages.registerConsentDecision<AuthorizeRequest, FakeOpenAiAccount>({
    router,
    path: '/oauth/authorize/decision',
    expiredMessage: facts.AUTHORIZE_SESSION_EXPIRED_MESSAGE,
    takeSession: (id) => context.state.sessions.take(id),
    findAccount: (selector) => context.state.findAccount(selector),
    deny: (session) =>
      callbackUrl(session, { error: 'access_denied', error_description: 'The user denied the authorization request.' }),
    approve: (session, account) => approve(context, session, account),
  });

  /** The JSON body of a device API call, or undefined once the refusal is sent. */
  const readDeviceCall = (request: FakeRequest, reply: ServerResponse): URLSearchParams | undefined => {
    const isEnabled = context.state.modes.deviceCodeEnabled;
    const body = wire.readOAuthParams(request, { isJsonAccepted: true, repeated: (name) => name });
    if (isEnabled && body.kind === 'json') return body.params;
    if (isEnabled) openAiErrorSender(reply)(400, 'invalid_request', 'Send a JSON body.');
    else openAiErrorSender(reply)(404, 'not_found', 'Device code login is not enabled.');
  };
  router.on('POST', '/api/accounts/deviceauth/usercode', (request, reply) => {
    const params = readDeviceCall(request, reply);
    if (params == null) return;
    if (params.get('client_id') !== facts.OPENAI_CODEX_CLIENT_ID) {
      return openAiErrorSender(reply)(400, 'invalid_client', 'Unknown client_id.', 'client_id');
    }
    let userCode: string;
    do {
      // The real `ABCD-12345` shape, without I or O, which people misread as 1 and 0.
      const letters = Array.from({ length: 4 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ'[randomInt(24)]).join('');
      userCode = `${letters}-${String(randomInt(100_000)).padStart(5, '0')}`;
    } while (findDevice(context, userCode) != null);
    const id = `deviceauth_${randomBytes(18).toString('base64url')}`;
    context.state.devices.set(id, { userCode, createdAt: context.now(), status: 'pending' });
    const interval = context.options.deviceInterval ?? '5';
    sendJson({ reply, body: { device_auth_id: id, user_code: userCode, interval } });
  });
  router.on('POST', '/api/accounts/deviceauth/token', (request, reply) => {
    const params = readDeviceCall(request, reply);
    if (params == null) return;
    const device = context.state.devices.get(params.get('device_auth_id') ?? '');
    // Not 403/404: Codex reads those as "pending" and would poll an unknown id for 15 minutes.
    if (device == null || device.userCode !== params.get('user_code')) {
      return openAiErrorSender(reply)(400, 'deviceauth_not_found', 'Unknown device_auth_id or user_code.');
    }
    const fail = wire.oauthErrorSender(reply);
    if (isDeviceExpired(context, device.createdAt)) return fail(400, 'expired_token', 'The device code has expired.');
    // The exact body from Codex's device_code_login test.
    if (device.status === 'denied') return fail(401, 'authorization_declined', 'Denied');
    if (device.approval != null) return sendJson({ reply, body: device.approval });
    const pending = 'Device authorization is pending. Please try again.';
    openAiErrorSender(reply)(context.state.modes.devicePendingStatus, 'deviceauth_authorization_pending', pending);
  });

  router.on('GET', '/codex/device', (request, reply) => {
    const userCode = pages.escapeHtml(request.url.searchParams.get('user_code') ?? '');
    const fields = `<p><input name="user_code" value="${userCode}" placeholder="ABCD-12345" autocomplete="off" data-testid="user-code"></p>`;
    const form = pages.renderDecisionForm({ action: '/codex/device', fields, accounts: choices(context) });
    pages.sendHtmlPage({ reply, title: 'Enter your one-time code', body: form });
  });
  router.on('POST', '/codex/device', (request, reply) => {
    const refuse = (error: string, description: string) =>
      pages.sendHtmlErrorPage({ reply, status: 400, error, description });
    if (wire.mediaTypeOf(request) !== wire.FORM_MEDIA_TYPE)
      return refuse('invalid_request', 'The form must be form-encoded.');
    const form = request.form();
    const decision = form.get('decision');
    if (decision !== 'approve' && decision !== 'deny') return refuse('invalid_request', 'Approve or deny.');
    const userCode = form.get('user_code') ?? '';
    const problem = decideDevice(context, { userCode, decision, account: form.get('account') ?? undefined });
    if (problem != null) return refuse(problem.reason, problem.message);
    const isApproved = decision === 'approve';
    const result = isApproved ? 'You can return to your terminal.' : 'Sign-in was denied.';
    const title = isApproved ? 'Device approved' : 'Device denied';
    pages.sendHtmlPage({ reply, title, body: `<p data-testid="result">${result}</p>` });
  });
}

/** What the device page and the test hooks do when a person approves or denies a user code; undefined when done. */
export function decideDevice(
  context: OpenAiAuthContext,
  options: { userCode: string; decision: 'approve' | 'deny'; account?: string | undefined },
): { reason: string; message: string } | undefined {
  const device = findDevice(context, options.userCode);
  if (device == null) return { reason: 'unknown_user_code', message: 'That code is not valid.' };
  if (isDeviceExpired(context, device.createdAt)) {
    return { reason: 'expired', message: 'That code has expired. Start the sign-in again.' };
  }
  const { status } = device;
  if (status !== 'pending') return { reason: 'already_decided', message: `That code was already ${status}.` };
  if (options.decision === 'deny') {
    device.status = 'denied';
    return undefined;
  }
  const account = context.state.findAccount(options.account);
  if (account == null) return { reason: 'unknown_account', message: 'No such account.' };
  // The real device flow hands out a server-made PKCE pair, 64 random bytes as Codex makes them (§1.6).
  const codeVerifier = randomBytes(64).toString('base64url');
  const codeChallenge = wire.computePkceChallenge(codeVerifier);
  const redirectUris = [`${context.url}/deviceauth/callback`, facts.REAL_DEVICE_CALLBACK_URI];
  const code = { account, redirectUris, codeChallenge, scope: facts.DEFAULT_SCOPE, grant: 'device_code' } as const;
  const approval = { authorization_code: createAuthorizationCode(context, code), code_challenge: codeChallenge };
  Object.assign(device, { status: 'approved', approval: { ...approval, code_verifier: codeVerifier } });
  return undefined;
}

function validateAuthorizeRequest(query: URLSearchParams): AuthorizeRequest | { error: string; description: string } {
  const invalid = (description: string) => ({ error: 'invalid_request', description });
  const repeated = wire.findRepeatedParam(query);
  if (repeated != null) return invalid(`The parameter "${repeated}" is repeated.`);
  const read = (name: string) => query.get(name) ?? '';
  const missing = (name: string) => invalid(`Missing required parameter: ${name}.`);
  if (read('client_id') === '') return missing('client_id');
  const unknownClient = { error: 'invalid_client', description: 'Unknown client_id.' };
  if (read('client_id') !== facts.OPENAI_CODEX_CLIENT_ID) return unknownClient;
  const redirectUri = read('redirect_uri');
  if (redirectUri === '') return missing('redirect_uri');
  // Exact string comparison, as Hydra does: no normalisation of case, trailing slashes or default ports.
  const isRegistered = facts.CODEX_REDIRECT_URIS.includes(redirectUri);
  if (!isRegistered) return invalid('The redirect_uri is not registered for this client.');
  if (read('response_type') === '') return missing('response_type');
  if (read('response_type') !== 'code') {
    return { error: 'unsupported_response_type', description: 'Only response_type=code is supported.' };
  }
  if (read('code_challenge_method') !== 'S256') return invalid('PKCE is required: code_challenge_method must be S256.');
  const codeChallenge = read('code_challenge');
  if (codeChallenge === '') return missing('code_challenge');
  if (!wire.isValidS256Challenge(codeChallenge)) return invalid('The code_challenge must be 43 base64url characters.');
  const state = read('state');
  if (state === '') return missing('state');
  // URLSearchParams decodes both `%20` (Codex) and `+` (form encoding, other clients) to a space.
  return { redirectUri, codeChallenge, scope: query.get('scope') ?? facts.DEFAULT_SCOPE, state };
}

function approve(context: OpenAiAuthContext, request: AuthorizeRequest, account: FakeOpenAiAccount): string {
  // A workspace without Codex (docs/codex-protocol.md §1.4).
  if (context.state.modes.isCodexEntitlementMissing) {
    return callbackUrl(request, { error: 'access_denied', error_description: 'missing_codex_entitlement' });
  }
  const { redirectUri, codeChallenge, scope } = request;
  const code = { account, redirectUris: [redirectUri], codeChallenge, scope, grant: 'authorization_code' } as const;
  return callbackUrl(request, { code: createAuthorizationCode(context, code), scope });
}

/** `state` last, as the real server orders it; URLSearchParams writes spaces as `+`, as in observed callbacks. */
function callbackUrl(request: AuthorizeRequest, params: Record<string, string>): string {
  return `${request.redirectUri}?${new URLSearchParams({ ...params, state: request.state })}`;
}

/** Case and surrounding blanks do not matter to a person typing the code. */
function findDevice(context: OpenAiAuthContext, userCode: string) {
  const normalized = userCode.trim().toUpperCase();
  return [...context.state.devices.values()].find((device) => device.userCode === normalized);
}

/** The radios of the consent and device pages: ChatGPT account id, labelled with the email and plan. */
function choices(context: OpenAiAuthContext) {
  return context.state.accounts.map(({ chatgptAccountId, email, planType }) => ({
    value: chatgptAccountId,
    label: `${email} (${planType})`,
  }));
}

function isDeviceExpired(context: OpenAiAuthContext, createdAt: number): boolean {
  return context.state.isExpired(createdAt, context.options.deviceCodeTtlSeconds ?? 900);
}
