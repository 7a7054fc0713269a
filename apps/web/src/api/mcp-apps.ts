import {
  type AuthorizationRequestView,
  authorizationDecisionResponseSchema,
  authorizationRequestViewSchema,
  type CallerPolicy,
  type ConnectedApp,
  callerPolicySchema,
  connectedAppListSchema,
  revokedAppsSchema,
} from '@pag/contracts';
import { requestApi } from './request-api.ts';

function interactionPath(uid: string): string {
  return `/oauth/interaction/${encodeURIComponent(uid)}`;
}

/**
 * `GET /oauth/interaction/:uid/details`: who asks (name as declared, redirect host as proven) and for what. Only
 * the browser that started the authorization holds the interaction cookie; any other gets `flow_expired`.
 */
export function getAuthorizationRequest(uid: string, signal?: AbortSignal): Promise<AuthorizationRequestView> {
  return requestApi({ path: `${interactionPath(uid)}/details`, schema: authorizationRequestViewSchema, signal });
}

/**
 * `POST /oauth/interaction/:uid/decision`: records the signed-in user's answer and returns where the browser goes
 * next (through the authorization server back to the app, with a code or `error=access_denied`).
 */
export function decideAuthorizationRequest(options: {
  uid: string;
  approve: boolean;
  csrfToken: string | null;
}): Promise<{ redirectTo: string }> {
  return requestApi({
    method: 'POST',
    path: `${interactionPath(options.uid)}/decision`,
    body: { approve: options.approve },
    csrfToken: options.csrfToken,
    schema: authorizationDecisionResponseSchema,
  });
}

/** `GET /api/connected-apps`: the MCP clients the user approved, most recently approved first. */
export async function listConnectedApps(signal?: AbortSignal): Promise<ConnectedApp[]> {
  return (await requestApi({ path: '/api/connected-apps', schema: connectedAppListSchema, signal })).apps;
}

/** `DELETE /api/connected-apps/:grantId`: the app's tokens stop working at once. */
export async function revokeConnectedApp(options: { grantId: string; csrfToken: string | null }): Promise<number> {
  const answer = await requestApi({
    method: 'DELETE',
    path: `/api/connected-apps/${encodeURIComponent(options.grantId)}`,
    csrfToken: options.csrfToken,
    schema: revokedAppsSchema,
  });
  return answer.revoked;
}

/** `DELETE /api/connected-apps`: revokes every app the user approved; answers how many. */
export async function revokeAllConnectedApps(options: { csrfToken: string | null }): Promise<number> {
  const answer = await requestApi({
    method: 'DELETE',
    path: '/api/connected-apps',
    csrfToken: options.csrfToken,
    schema: revokedAppsSchema,
  });
  return answer.revoked;
}

/** `PUT /api/connected-apps/:clientId/policy`: what a connected app may do from its next request on. */
export function updateConnectedAppPolicy(options: {
  clientId: string;
  policy: CallerPolicy;
  csrfToken: string | null;
}): Promise<CallerPolicy> {
  return requestApi({
    method: 'PUT',
    path: `/api/connected-apps/${encodeURIComponent(options.clientId)}/policy`,
    body: options.policy,
    csrfToken: options.csrfToken,
    schema: callerPolicySchema,
  });
}
