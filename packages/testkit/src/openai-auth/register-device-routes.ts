import type { FakeRequest } from '../fake-request.ts';
import { sendJson } from '../send-json.ts';
import { decideDeviceAuthorization } from './decide-device-authorization.ts';
import type { FakeOpenAiAuthContext } from './fake-openai-auth-context.ts';
import { OPENAI_CODEX_CLIENT_ID } from './openai-auth-constants.ts';
import { sendOAuthError, sendOpenAiError } from './openai-auth-errors.ts';
import { readRequestParams } from './read-request-params.ts';
import { escapeHtml, sendHtmlErrorPage, sendHtmlPage } from './send-html-page.ts';

/**
 * Device-code login as `codex login --device-auth` uses it (docs/codex-protocol.md §1.6), plus the page where a person
 * enters the code. Success and pending shapes are from Codex's own tests; the wording of other errors is not public.
 */
export function registerDeviceRoutes(context: FakeOpenAiAuthContext): void {
  const { router, store } = context;

  const readJson = (request: FakeRequest) => {
    const body = readRequestParams(request);
    return body.kind === 'json' ? body.params : undefined;
  };

  router.on('POST', '/api/accounts/deviceauth/usercode', (request, reply) => {
    if (!store.modes.deviceCodeEnabled) {
      sendOpenAiError({ reply, status: 404, code: 'not_found', message: 'Device code login is not enabled.' });
      return;
    }
    const params = readJson(request);
    if (params == null) {
      sendOpenAiError({ reply, status: 400, code: 'invalid_request', message: 'Send a JSON body.' });
      return;
    }
    if (params.get('client_id') !== OPENAI_CODEX_CLIENT_ID) {
      sendOpenAiError({
        reply,
        status: 400,
        code: 'invalid_client',
        message: 'Unknown client_id.',
        param: 'client_id',
      });
      return;
    }
    const device = store.createDevice();
    sendJson({
      reply,
      body: { device_auth_id: device.deviceAuthId, user_code: device.userCode, interval: context.deviceInterval },
    });
  });

  router.on('POST', '/api/accounts/deviceauth/token', (request, reply) => {
    if (!store.modes.deviceCodeEnabled) {
      sendOpenAiError({ reply, status: 404, code: 'not_found', message: 'Device code login is not enabled.' });
      return;
    }
    const params = readJson(request);
    if (params == null) {
      sendOpenAiError({ reply, status: 400, code: 'invalid_request', message: 'Send a JSON body.' });
      return;
    }
    const device = store.findDevice(params.get('device_auth_id') ?? '');
    // Not 403/404: Codex reads those as "pending" and would poll an unknown id for 15 minutes.
    if (device == null || device.userCode !== params.get('user_code')) {
      sendOpenAiError({
        reply,
        status: 400,
        code: 'deviceauth_not_found',
        message: 'Unknown device_auth_id or user_code.',
      });
      return;
    }
    if (store.isDeviceExpired(device)) {
      sendOAuthError({ reply, status: 400, error: 'expired_token', description: 'The device code has expired.' });
      return;
    }
    if (device.status === 'denied') {
      // The exact body from Codex's device_code_login test.
      sendOAuthError({ reply, status: 401, error: 'authorization_declined', description: 'Denied' });
      return;
    }
    if (device.approval == null) {
      sendOpenAiError({
        reply,
        status: store.modes.devicePendingStatus,
        code: 'deviceauth_authorization_pending',
        message: 'Device authorization is pending. Please try again.',
      });
      return;
    }
    sendJson({
      reply,
      body: {
        authorization_code: device.approval.authorizationCode,
        code_challenge: device.approval.codeChallenge,
        code_verifier: device.approval.codeVerifier,
      },
    });
  });

  router.on('GET', '/codex/device', (request, reply) => {
    const userCode = request.url.searchParams.get('user_code') ?? '';
    const choices = context.accounts
      .map(
        (account, index) =>
          `<label><input type="radio" name="account" value="${escapeHtml(account.chatgptAccountId)}"${
            index === 0 ? ' checked' : ''
          } data-testid="account-${index}"> ${escapeHtml(account.email)}</label><br>`,
      )
      .join('\n');
    sendHtmlPage({
      reply,
      title: 'Enter your one-time code',
      body: `<form method="post" action="/codex/device">
<p><input name="user_code" value="${escapeHtml(userCode)}" placeholder="ABCD-12345" autocomplete="off" data-testid="user-code"></p>
${choices}
<p><button type="submit" name="decision" value="approve" data-testid="approve">Approve</button>
<button type="submit" name="decision" value="deny" data-testid="deny">Deny</button></p>
</form>`,
    });
  });

  router.on('POST', '/codex/device', (request, reply) => {
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
    const decision = form.get('decision');
    if (decision !== 'approve' && decision !== 'deny') {
      sendHtmlErrorPage({ reply, status: 400, error: 'invalid_request', description: 'Approve or deny.' });
      return;
    }
    const result = decideDeviceAuthorization({
      store,
      accounts: context.accounts,
      userCode: form.get('user_code') ?? '',
      decision,
      account: form.get('account') ?? undefined,
    });
    if (!result.ok) {
      sendHtmlErrorPage({ reply, status: 400, error: result.reason, description: result.message });
      return;
    }
    sendHtmlPage({
      reply,
      title: decision === 'approve' ? 'Device approved' : 'Device denied',
      body: `<p data-testid="result">${decision === 'approve' ? 'You can return to your terminal.' : 'Sign-in was denied.'}</p>`,
    });
  });
}
