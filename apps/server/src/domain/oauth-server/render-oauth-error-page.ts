import { createHash } from 'node:crypto';

// The page carries its own small stylesheet (it is rendered by the authorization server, outside the settings
// UI's bundle); the CSP allows exactly that stylesheet by hash and nothing else inline.
const STYLE = [
  'body{font-family:system-ui,sans-serif;background:#f6f7f9;color:#1d2330;margin:0;display:grid;place-items:center;min-height:100vh}',
  'main{background:#fff;border:1px solid #dde1e8;border-radius:12px;padding:32px;max-width:480px}',
  'h1{font-size:20px;margin:0 0 12px}code{background:#eef1f5;padding:2px 6px;border-radius:4px}p{line-height:1.5}',
].join('');

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Content-Security-Policy of the error page: no scripts, only its own stylesheet, never framed. */
export const OAUTH_ERROR_PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/**
 * The page for an authorization request that cannot be answered by redirecting to the client (unknown client,
 * unregistered redirect URI): RFC 6749 §4.1.2.1 forbids sending the browser to an unverified address, so the user
 * reads what went wrong here. Everything shown is escaped; the description comes from the request.
 */
export function renderOAuthErrorPage(error: { error: string; description: string }): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Authorization failed · Personal AI Gateway</title><style>${STYLE}</style></head>
<body><main><h1>This app’s authorization request was refused</h1>
<p><code>${escapeHtml(error.error)}</code></p>
<p>${escapeHtml(error.description)}</p>
<p>Nothing was shared with the app. Ask its developer to check the client registration and redirect URI.</p>
</main></body></html>`;
}
