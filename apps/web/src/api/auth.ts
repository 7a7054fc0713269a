import {
  type LoginRequest,
  type SessionState,
  type SetupRequest,
  type SetupResponse,
  sessionStateSchema,
  setupResponseSchema,
} from '@pag/contracts';
import { requestApi } from './request-api.ts';

/** `GET /api/auth/session`: public; tells the UI whether to show setup, login or the app. */
export function fetchSession(signal?: AbortSignal): Promise<SessionState> {
  return requestApi({ path: '/api/auth/session', schema: sessionStateSchema, signal });
}

/** `POST /api/auth/setup`: creates the first (admin) user and signs them in (the cookie is set). */
export function createAdminAccount(request: SetupRequest): Promise<SetupResponse> {
  return requestApi({ method: 'POST', path: '/api/auth/setup', body: request, schema: setupResponseSchema });
}

/** `POST /api/auth/login`: sets the session cookie and answers the new session, including its CSRF token. */
export function signIn(request: LoginRequest): Promise<SessionState> {
  return requestApi({ method: 'POST', path: '/api/auth/login', body: request, schema: sessionStateSchema });
}

/** `POST /api/auth/logout`. */
export function signOut(csrfToken: string | null): Promise<void> {
  return requestApi({ method: 'POST', path: '/api/auth/logout', csrfToken });
}
