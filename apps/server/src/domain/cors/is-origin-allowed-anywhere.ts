import type { DomainContext } from '../domain-context.ts';
import { apiKeyAllowsOrigin } from './api-key-allows-origin.ts';
import { appAllowsOrigin } from './app-allows-origin.ts';

/** One place a browser origin can be allowed in (a kind of credential's policies), asked with the exact origin. */
export type AllowedOriginSource = (context: DomainContext, origin: string) => Promise<boolean>;

/**
 * Every place besides the operator's list, in turn: the API keys' policies, then the connected apps'. Another kind
 * of credential adds its own query here, and the preflight answer follows.
 */
export const ALLOWED_ORIGIN_SOURCES: readonly AllowedOriginSource[] = [apiKeyAllowsOrigin, appAllowsOrigin];

/**
 * The CORS preflight's question (docs/cors.md): may this origin call the gateway at all? Yes when the operator's
 * `GATEWAY_CORS_ORIGINS` or any credential's policy lists it. A preflight carries no credentials, so it cannot be
 * answered per caller; the real request is then checked against its own caller's policy (`origin_not_allowed`).
 * Read through the request cache, which any change to a key or an app policy drops (docs/request-cache.md): an
 * origin removed from the last policy that listed it is refused on the next preflight.
 */
export async function isOriginAllowedAnywhere(
  context: DomainContext,
  options: { origin: string; operatorOrigins: readonly string[]; sources?: readonly AllowedOriginSource[] },
): Promise<boolean> {
  if (options.operatorOrigins.includes(options.origin)) return true;
  // In turn, stopping at the first that allows it (as `some` did): most preflights are answered by the first query.
  for (const source of options.sources ?? ALLOWED_ORIGIN_SOURCES) {
    if (await source(context, options.origin)) return true;
  }
  return false;
}
