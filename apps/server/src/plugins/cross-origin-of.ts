import type { FastifyRequest } from 'fastify';

/**
 * The browser origin of a request from another site: its `Origin` header, unless that is the gateway's own (the
 * public URL's origin, or the origin the request itself was addressed to). Null for same-origin requests and for
 * programs, which send no `Origin`. `Origin: null` (sandboxed frames, privacy redirects) counts as another site.
 */
export function crossOriginOf(request: FastifyRequest, publicOrigin: string): string | null {
  const origin = request.headers.origin;
  if (origin == null) return null;
  if (origin === publicOrigin || origin === `${request.protocol}://${request.host}`) return null;
  return origin;
}
