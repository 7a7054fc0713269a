import {
  type Connection,
  connectionListSchema,
  connectionSchema,
  type SignInFlow,
  type SignInMethod,
  type SignInOptions,
  signInFlowSchema,
  signInOptionsSchema,
} from '@pag/contracts';
import { requestApi } from './request-api.ts';

/** `GET /api/connections`: the user's ChatGPT connection (at most one), with state and the last reported limits. */
export async function listConnections(signal?: AbortSignal): Promise<Connection[]> {
  return (await requestApi({ path: '/api/connections', schema: connectionListSchema, signal })).connections;
}

/** `POST /api/connections/chatgpt/sign-in`: starts a browser, paste or device-code sign-in. */
export function startChatgptSignIn(options: { method: SignInMethod; csrfToken: string | null }): Promise<SignInFlow> {
  return requestApi({
    method: 'POST',
    path: '/api/connections/chatgpt/sign-in',
    body: { method: options.method },
    csrfToken: options.csrfToken,
    schema: signInFlowSchema,
  });
}

/** `GET /api/connections/chatgpt/sign-in/:id`: polled until the flow leaves `pending`. */
export function getSignInFlow(id: string, signal?: AbortSignal): Promise<SignInFlow> {
  return requestApi({
    path: `/api/connections/chatgpt/sign-in/${encodeURIComponent(id)}`,
    schema: signInFlowSchema,
    signal,
  });
}

/** `POST …/complete`: finishes a paste sign-in with what the user copied; answers the new connection. */
export function completePastedSignIn(options: {
  id: string;
  input: string;
  csrfToken: string | null;
}): Promise<Connection> {
  return requestApi({
    method: 'POST',
    path: `/api/connections/chatgpt/sign-in/${encodeURIComponent(options.id)}/complete`,
    body: { input: options.input },
    csrfToken: options.csrfToken,
    schema: connectionSchema,
  });
}

/** `POST …/cancel`: abandons a pending sign-in. */
export function cancelSignIn(options: { id: string; csrfToken: string | null }): Promise<void> {
  return requestApi({
    method: 'POST',
    path: `/api/connections/chatgpt/sign-in/${encodeURIComponent(options.id)}/cancel`,
    csrfToken: options.csrfToken,
  });
}

/** `DELETE /api/connections/chatgpt`: revokes at OpenAI and forgets the tokens. */
export function disconnectChatgpt(options: { csrfToken: string | null }): Promise<void> {
  return requestApi({ method: 'DELETE', path: '/api/connections/chatgpt', csrfToken: options.csrfToken });
}

/** `GET /api/connections/chatgpt/sign-in-options`: which sign-in fits where the gateway runs. */
export function getSignInOptions(signal?: AbortSignal): Promise<SignInOptions> {
  return requestApi({ path: '/api/connections/chatgpt/sign-in-options', schema: signInOptionsSchema, signal });
}
