import type { ServerResponse } from 'node:http';
import type { Router } from '../create-router.ts';
import { FORM_MEDIA_TYPE, mediaTypeOf, redirectTo } from './oauth-wire.ts';

/** A minimal page. `body` is trusted markup: callers escape what they interpolate with `escapeHtml`. */
export function sendHtmlPage(options: { reply: ServerResponse; status?: number; title: string; body: string }): void {
  const title = escapeHtml(options.title);
  const html = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}button{margin-right:.5rem}</style>
</head>
<body>
<h1>${title}</h1>
${options.body}
</body>
</html>
`;
  const headers = { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) };
  options.reply.writeHead(options.status ?? 200, { ...headers, 'cache-control': 'no-store' });
  options.reply.end(html);
}

/** An error page that names the OAuth error code, so tests can assert it without scraping prose. */
export function sendHtmlErrorPage(options: {
  reply: ServerResponse;
  status: number;
  error: string;
  description: string;
}) {
  const error = escapeHtml(options.error);
  const body = `<p data-testid="error" data-error="${error}"><code>${error}</code></p>
<p data-testid="error-description">${escapeHtml(options.description)}</p>`;
  sendHtmlPage({ reply: options.reply, status: options.status, title: 'Authorization error', body });
}

/** The approve/deny form, with account radios and `data-testid`s; `fields` and `extra` are trusted markup. */
export function renderDecisionForm(options: {
  action: string;
  fields: string;
  accounts: ReadonlyArray<{ value: string; label: string }>;
  checkedIndex?: number;
  extra?: string;
  buttons?: readonly [approve: string, deny: string];
}): string {
  const choices = options.accounts.map(({ value, label }, index) => {
    const checked = index === (options.checkedIndex ?? 0) ? ' checked' : '';
    const input = `<input type="radio" name="account" value="${escapeHtml(value)}"${checked} data-testid="account-${index}">`;
    return `<label>${input} ${escapeHtml(label)}</label><br>`;
  });
  const [approve, deny] = options.buttons ?? ['Approve', 'Deny'];
  return `<form method="post" action="${options.action}">
${options.fields}
${choices.join('\n')}
${options.extra ?? ''}<p><button type="submit" name="decision" value="approve" data-testid="approve">${approve}</button>
<button type="submit" name="decision" value="deny" data-testid="deny">${deny}</button></p>
</form>`;
}

/**
 * The POST of a consent page: one decision per sign-in, then a redirect built by `deny` or `approve`. Anything
 * malformed is an error page, never a redirect, so the fake is no open redirector (RFC 6749 §4.1.2.1).
 */
export function registerConsentDecision<Session, Account>(options: {
  router: Router;
  path: string;
  /** The real server's words for a session that is unknown, already decided or expired. */
  expiredMessage: string;
  takeSession(id: string): Session | undefined;
  findAccount(selector: string | undefined): Account | undefined;
  deny(session: Session): string;
  approve(session: Session, account: Account, form: URLSearchParams): string;
}): void {
  options.router.on('POST', options.path, (request, reply) => {
    const refuse = (description: string) =>
      sendHtmlErrorPage({ reply, status: 400, error: 'invalid_request', description });
    if (mediaTypeOf(request) !== FORM_MEDIA_TYPE) return refuse('The form must be form-encoded.');
    const form = request.form();
    const session = options.takeSession(form.get('session') ?? '');
    if (session == null) return refuse(options.expiredMessage);
    const decision = form.get('decision');
    if (decision === 'deny') return redirectTo(reply, options.deny(session));
    const account = options.findAccount(form.get('account') ?? undefined);
    if (decision !== 'approve' || account == null) {
      return refuse('The decision must be approve or deny, for a known account.');
    }
    redirectTo(reply, options.approve(session, account, form));
  });
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
