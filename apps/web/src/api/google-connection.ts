import { type GoogleSignIn, type GoogleStatus, googleSignInSchema, googleStatusSchema } from '@pag/contracts';
import { requestApi } from './request-api.ts';

/** `GET /api/connections/google`: the redirect URI to register, the saved client (secret masked), the account. */
export function getGoogleStatus(signal?: AbortSignal): Promise<GoogleStatus> {
  return requestApi({ path: '/api/connections/google', schema: googleStatusSchema, signal });
}

/** `PUT /api/connections/google/client`: the user's own OAuth client; a new client id disconnects the account. */
export function saveGoogleClient(options: {
  clientId: string;
  clientSecret: string;
  csrfToken: string | null;
}): Promise<GoogleStatus> {
  return requestApi({
    method: 'PUT',
    path: '/api/connections/google/client',
    body: { clientId: options.clientId, clientSecret: options.clientSecret },
    csrfToken: options.csrfToken,
    schema: googleStatusSchema,
  });
}

export function deleteGoogleClient(options: { csrfToken: string | null }): Promise<void> {
  return requestApi({ method: 'DELETE', path: '/api/connections/google/client', csrfToken: options.csrfToken });
}

/** `POST /api/connections/google/sign-in`: the Google consent page to open; Google sends the browser back here. */
export function startGoogleSignIn(options: { csrfToken: string | null }): Promise<GoogleSignIn> {
  return requestApi({
    method: 'POST',
    path: '/api/connections/google/sign-in',
    csrfToken: options.csrfToken,
    schema: googleSignInSchema,
  });
}

export function disconnectGoogle(options: { csrfToken: string | null }): Promise<void> {
  return requestApi({ method: 'DELETE', path: '/api/connections/google', csrfToken: options.csrfToken });
}
