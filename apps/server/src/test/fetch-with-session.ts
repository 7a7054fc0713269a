/** A signed-in browser's cookie and CSRF token, as the sign-in answer gives them. */
export type HttpSession = { cookie: string; csrfToken: string };

/** A settings-API request over real HTTP as the signed-in browser sends it: session cookie, CSRF token, JSON body. */
export function fetchWithSession(
  url: string,
  session: HttpSession,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<Response> {
  return fetch(`${url}${path}`, {
    method,
    headers: {
      cookie: session.cookie,
      'x-csrf-token': session.csrfToken,
      ...(body == null ? {} : { 'content-type': 'application/json' }),
    },
    ...(body == null ? {} : { body: JSON.stringify(body) }),
  });
}
