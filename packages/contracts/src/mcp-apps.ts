import { z } from 'zod';
import { callerPolicySchema } from './caller-policy.ts';

/** What the consent page shows about a pending MCP authorization request (`GET /oauth/interaction/:uid/details`). */
export const authorizationRequestViewSchema = z.object({
  uid: z.string(),
  clientId: z.string(),
  /** Self-declared by the app when it registered; the page labels it so. */
  clientName: z.string().nullable(),
  /** Where the browser goes after the decision; its host is the app's real identity. */
  redirectUri: z.string(),
  redirectHost: z.string(),
  /** A loopback redirect: any program on this machine could have registered it. */
  isLoopbackRedirect: z.boolean(),
  /** The signed-in user approved this client before. */
  isKnownApp: z.boolean(),
  scopes: z.array(z.object({ name: z.string(), description: z.string() })),
  resource: z.string(),
});
export type AuthorizationRequestView = z.infer<typeof authorizationRequestViewSchema>;

export const authorizationDecisionRequestSchema = z.object({ approve: z.boolean() });
export type AuthorizationDecisionRequest = z.infer<typeof authorizationDecisionRequestSchema>;

/** Where the browser goes next: back through the authorization server to the app, with a code or an error. */
export const authorizationDecisionResponseSchema = z.object({ redirectTo: z.string() });

/** An app the user approved (Settings → Connected apps): an MCP client (`mcp:tools`) or an AI app (`ai`). */
export const connectedAppSchema = z.object({
  grantId: z.string(),
  clientId: z.string(),
  clientName: z.string().nullable(),
  redirectHosts: z.array(z.string()),
  scopes: z.array(z.string()),
  resources: z.array(z.string()),
  approvedAt: z.string(),
  lastTokenAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** What the app may do through the AI APIs (`GET/PUT /api/connected-apps/:clientId/policy`); null without `ai`. */
  policy: callerPolicySchema.nullable(),
});
export type ConnectedApp = z.infer<typeof connectedAppSchema>;
export const connectedAppListSchema = z.object({ apps: z.array(connectedAppSchema) });
export const revokedAppsSchema = z.object({ revoked: z.number().int() });
