import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Name and attributes of the sign-in cookie. On https the `__Host-` prefix makes the browser refuse the cookie
 * unless it is Secure, host-only and Path=/, so no sibling subdomain can plant or overwrite it.
 */
export type SessionCookieSettings = { name: string; isSecure: boolean };

export function sessionCookieSettings(isHttps: boolean): SessionCookieSettings {
  return isHttps ? { name: '__Host-pag_session', isSecure: true } : { name: 'pag_session', isSecure: false };
}

export function readSessionCookie(request: FastifyRequest, settings: SessionCookieSettings): string | null {
  const value = request.cookies[settings.name];
  return value == null || value === '' ? null : value;
}

export function setSessionCookie(
  reply: FastifyReply,
  options: { settings: SessionCookieSettings; sessionId: string; expiresAt: Date },
): void {
  reply.setCookie(options.settings.name, options.sessionId, {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.settings.isSecure,
    path: '/',
    expires: options.expiresAt,
  });
}

export function clearSessionCookie(reply: FastifyReply, settings: SessionCookieSettings): void {
  reply.clearCookie(settings.name, { httpOnly: true, sameSite: 'lax', secure: settings.isSecure, path: '/' });
}
