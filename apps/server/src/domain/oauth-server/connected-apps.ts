import type { CallerPolicy } from '@pag/contracts';
import type { AdapterPayload } from 'oidc-provider';
import { AI_SCOPE } from './oauth-scopes.ts';
import { readAppPolicy } from './read-app-policy.ts';
import { type OAuthStoreContext, readOAuthPayload } from './sqlite-oauth-adapter.ts';

/** One app a user approved: the grant, the client it belongs to, and when it was last used. */
export type ConnectedApp = {
  grantId: string;
  clientId: string;
  /** Self-declared by the app at registration: shown as such, never trusted as its identity. */
  clientName: string | null;
  /** Hosts of the app's registered redirect URIs: where its authorizations were sent. */
  redirectHosts: string[];
  scopes: string[];
  resources: string[];
  approvedAt: string;
  /** Last time the app obtained a token (code exchange or refresh); null if it never did. */
  lastTokenAt: string | null;
  expiresAt: string | null;
  /** What the app may do through the AI APIs (scope `ai`); null for apps without that scope (MCP clients). */
  policy: CallerPolicy | null;
};

type Row = { id: string; payload_ciphertext: string; created_at: number; expires_at: number | null };

function readPayload(context: OAuthStoreContext, row: Row): AdapterPayload {
  return readOAuthPayload(context, row.id, row.payload_ciphertext);
}

/** The client behind a client id, as registered (name as declared, redirect URIs), or null if it is gone. */
export function readClientMetadata(
  context: OAuthStoreContext,
  clientId: string,
): { clientId: string; clientName: string | null; redirectUris: string[] } | null {
  const row = context.db.$client
    .prepare(
      "select id, payload_ciphertext, created_at, expires_at from oauth_records where kind = 'Client' and client_id = ?",
    )
    .get(clientId) as Row | undefined;
  if (row == null) return null;
  const metadata = readPayload(context, row);
  return { clientId, clientName: metadata.client_name ?? null, redirectUris: [...(metadata.redirect_uris ?? [])] };
}

/** The user's connected apps (MCP clients and apps holding a grant), most recently approved first. */
export function listConnectedApps(context: OAuthStoreContext, userId: string): ConnectedApp[] {
  const now = context.now();
  const grants = context.db.$client
    .prepare(
      `select id, payload_ciphertext, created_at, expires_at from oauth_records
       where kind = 'Grant' and user_id = ? and (expires_at is null or expires_at > ?) order by created_at desc`,
    )
    .all(userId, now) as Row[];
  const lastToken = context.db.$client.prepare(
    `select max(created_at) as at from oauth_records where grant_id = ? and kind in ('AccessToken', 'RefreshToken')`,
  );
  const clientRow = context.db.$client.prepare(
    "select id, payload_ciphertext, created_at, expires_at from oauth_records where kind = 'Client' and client_id = ?",
  );
  return grants.map((row) => {
    const grant = readPayload(context, row) as AdapterPayload & { resources?: Record<string, string> };
    const clientId = grant.clientId ?? '';
    const client = clientRow.get(clientId) as Row | undefined;
    const clientMetadata = client == null ? null : readPayload(context, client);
    const resources = grant.resources ?? {};
    const lastTokenAt = (lastToken.get(grant.jti ?? '') as { at: number | null }).at;
    const scopes = [...new Set(Object.values(resources).flatMap((scope) => scope.split(' ')))].filter(Boolean);
    const redirectUris = clientMetadata?.redirect_uris ?? [];
    return {
      grantId: grant.jti ?? '',
      clientId,
      clientName: clientMetadata?.client_name ?? null,
      redirectHosts: [...new Set(redirectUris.map((uri) => URL.parse(uri)?.host ?? uri))],
      scopes,
      resources: Object.keys(resources),
      approvedAt: new Date(row.created_at).toISOString(),
      lastTokenAt: lastTokenAt == null ? null : new Date(lastTokenAt).toISOString(),
      expiresAt: row.expires_at == null ? null : new Date(row.expires_at).toISOString(),
      policy: scopes.includes(AI_SCOPE) ? readAppPolicy(context, { userId, clientId, redirectUris }) : null,
    };
  });
}

/**
 * Revokes one of the user's grants (or all of them): the grant row goes with every code, access and refresh token
 * issued under it, so the app's next MCP or AI request is refused at once (401). The app's policy row stays: its
 * allowed origins keep the browser app able to read that 401 (CORS) and so to show "not connected" instead of "cannot
 * reach the gateway"; a reconnect finds the user's settings again (docs/app-connect.md §5). Returns how many grants
 * were revoked; a grant of another user is never touched.
 */
export function revokeConnectedApps(context: OAuthStoreContext, userId: string, grantId?: string): number {
  const grants = context.db.$client
    .prepare(
      `select grant_id from oauth_records where kind = 'Grant' and user_id = ?${grantId == null ? '' : ' and grant_id = ?'}`,
    )
    .all(...(grantId == null ? [userId] : [userId, grantId])) as { grant_id: string }[];
  const deleteFamily = context.db.$client.prepare('delete from oauth_records where grant_id = ?');
  context.db.$client.transaction(() => {
    for (const grant of grants) {
      deleteFamily.run(grant.grant_id);
    }
  })();
  return grants.length;
}

/** The user's live grant for a client, if they approved it before (newest first): re-approvals extend it. */
export function findUserGrantId(context: OAuthStoreContext, userId: string, clientId: string): string | null {
  const row = context.db.$client
    .prepare(
      `select grant_id from oauth_records where kind = 'Grant' and user_id = ? and client_id = ?
         and (expires_at is null or expires_at > ?) order by created_at desc limit 1`,
    )
    .get(userId, clientId, context.now()) as { grant_id: string } | undefined;
  return row?.grant_id ?? null;
}
