import type { RequestAuth } from '../plugins/access-control.ts';

/** The access hook guarantees `auth` on authenticated routes; this narrows the type for handlers. */
export function requireAuth(request: { auth: RequestAuth | null }): RequestAuth {
  if (request.auth == null) throw new TypeError('"request.auth" must be set on an authenticated route');
  return request.auth;
}
