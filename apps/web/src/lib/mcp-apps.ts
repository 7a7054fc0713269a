import type { CallerPolicy } from '@pag/contracts';
import type { ApiErrorCode } from '../api/api-error.ts';

/** What each scope lets an app do, in words (the consent page gets the server's own wording). */
const SCOPE_LABELS: Readonly<Record<string, string>> = {
  'mcp:tools': 'Use your gateway’s tools (ask your models, list them, read usage and connection status)',
  ai: 'Use your AI models (note-app API and OpenAI-compatible API)',
};

/**
 * A connected app's policy in one line each (models, spending, origins), for the Connected apps table. The editor
 * lives elsewhere; this only says what applies.
 */
export function summarizePolicy(policy: CallerPolicy): string[] {
  const models = policy.allowedModels == null ? 'Every model' : `Only ${policy.allowedModels.join(', ') || 'no model'}`;
  const spending = policy.subscriptionOnly ? 'Subscription only (never a paid API key)' : 'May fall back to API keys';
  const origins = policy.allowedOrigins.length === 0 ? 'No browser origin' : `From ${policy.allowedOrigins.join(', ')}`;
  return [models, spending, origins];
}

/** A scope in words; an unknown scope is shown as its name rather than hidden. */
export function describeScope(name: string): string {
  return SCOPE_LABELS[name] ?? name;
}

/** The address MCP clients connect to: the gateway's own origin, path `/mcp`. */
export function toMcpUrl(origin: string): string {
  return `${origin.replace(/\/+$/, '')}/mcp`;
}

/**
 * Whether clients in the cloud (ChatGPT, Claude) can reach this MCP address: they connect from their own servers, so
 * it must be https on a name the internet resolves, not plain http, localhost or a private address (issue 17).
 */
export function isReachableFromCloud(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:') return false;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return false;
  if (/^(127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.)/.test(host)) return false;
  if (host === '::1' || /^(fc|fd|fe80)/i.test(host)) return false;
  return true;
}

/** A client id short enough for a table cell; the full id stays available as a tooltip. */
export function shortenClientId(clientId: string, keep = 8): string {
  return clientId.length <= keep + 2 ? clientId : `${clientId.slice(0, keep)}…`;
}

/**
 * Errors after which a consent page cannot be answered: the request expired, was already decided, was started in
 * another browser, or its id is not one (a mangled link). Starting again from the app is the only way on.
 */
export function isUnanswerableRequest(code: ApiErrorCode): boolean {
  return code === 'flow_expired' || code === 'not_found' || code === 'invalid_request';
}

/**
 * The address the decision sends the browser to, or null if it is not an http(s) URL: the page navigates there
 * with `location.assign`, which must never run a `javascript:` URL whatever the answer says.
 */
export function toNavigableUrl(redirectTo: string, base: string): string | null {
  let url: URL;
  try {
    url = new URL(redirectTo, base);
  } catch {
    return null;
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
}
