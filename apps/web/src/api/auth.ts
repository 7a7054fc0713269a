import {
  type LoginRequest,
  type SessionState,
  type SetupRequest,
  sessionStateSchema,
  userSchema,
} from '@pag/contracts';
import { z } from 'zod';
import { requestApi } from './request-api.ts';

// The contracts describe the setup answer (201 `{ user }`) only in prose, so its schema lives here.
const setupResponseSchema = z.object({ user: userSchema });

/** `GET /api/auth/session`: public; tells the UI whether to show setup, login or the app. */
export function fetchSession(signal?: AbortSignal): Promise<SessionState> {
  return requestApi({ path: '/api/auth/session', schema: sessionStateSchema, signal });
}

/** `POST /api/auth/setup`: creates the first (admin) user. Does not sign in. */
export function createAdminAccount(request: SetupRequest) {
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
