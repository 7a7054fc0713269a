import type { CallerPolicy } from '@pag/contracts';
import { and, desc, eq, gt, inArray, isNull, max, or } from 'drizzle-orm';
import type { AdapterPayload } from 'oidc-provider';
import { oauthRecords } from '../../db/schema.ts';
import { type OAuthStoreContext, readOAuthPayload } from './database-oauth-adapter.ts';
import { AI_SCOPE } from './oauth-scopes.ts';
import { readAppPolicy } from './read-app-policy.ts';

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

type Row = { id: string; payloadCiphertext: string; createdAt: Date; expiresAt: Date | null };

const rowColumns = {
  id: oauthRecords.id,
  payloadCiphertext: oauthRecords.payloadCiphertext,
  createdAt: oauthRecords.createdAt,
  expiresAt: oauthRecords.expiresAt,
};

function readPayload(context: OAuthStoreContext, row: Row): AdapterPayload {
  return readOAuthPayload(context, row.id, row.payloadCiphertext);
}

async function findClientRow(context: OAuthStoreContext, clientId: string): Promise<Row | undefined> {
  const [row] = await context.db
    .select(rowColumns)
    .from(oauthRecords)
    .where(and(eq(oauthRecords.kind, 'Client'), eq(oauthRecords.clientId, clientId)))
    .limit(1);
  return row;
}

/** The client behind a client id, as registered (name as declared, redirect URIs), or null if it is gone. */
export async function readClientMetadata(
  context: OAuthStoreContext,
  clientId: string,
): Promise<{ clientId: string; clientName: string | null; redirectUris: string[] } | null> {
  const row = await findClientRow(context, clientId);
  if (row == null) return null;
  const metadata = readPayload(context, row);
  return { clientId, clientName: metadata.client_name ?? null, redirectUris: [...(metadata.redirect_uris ?? [])] };
}

/** The user's connected apps (MCP clients and apps holding a grant), most recently approved first. */
export async function listConnectedApps(context: OAuthStoreContext, userId: string): Promise<ConnectedApp[]> {
  const now = context.now();
  const grants = await context.db
    .select(rowColumns)
    .from(oauthRecords)
    .where(
      and(
        eq(oauthRecords.kind, 'Grant'),
        eq(oauthRecords.userId, userId),
        or(isNull(oauthRecords.expiresAt), gt(oauthRecords.expiresAt, new Date(now))),
      ),
    )
    .orderBy(desc(oauthRecords.createdAt));
  return Promise.all(
    grants.map(async (row) => {
      const grant = readPayload(context, row) as AdapterPayload & { resources?: Record<string, string> };
      const clientId = grant.clientId ?? '';
      const client = await findClientRow(context, clientId);
      const clientMetadata = client == null ? null : readPayload(context, client);
      const resources = grant.resources ?? {};
      const [lastToken] = await context.db
        .select({ at: max(oauthRecords.createdAt) })
        .from(oauthRecords)
        .where(
          and(eq(oauthRecords.grantId, grant.jti ?? ''), inArray(oauthRecords.kind, ['AccessToken', 'RefreshToken'])),
        );
      const lastTokenAt = lastToken?.at ?? null;
      const scopes = [...new Set(Object.values(resources).flatMap((scope) => scope.split(' ')))].filter(Boolean);
      const redirectUris = clientMetadata?.redirect_uris ?? [];
      return {
        grantId: grant.jti ?? '',
        clientId,
        clientName: clientMetadata?.client_name ?? null,
        redirectHosts: [...new Set(redirectUris.map((uri) => URL.parse(uri)?.host ?? uri))],
        scopes,
        resources: Object.keys(resources),
        approvedAt: row.createdAt.toISOString(),
        lastTokenAt: lastTokenAt == null ? null : lastTokenAt.toISOString(),
        expiresAt: row.expiresAt == null ? null : row.expiresAt.toISOString(),
        policy: scopes.includes(AI_SCOPE) ? await readAppPolicy(context, { userId, clientId, redirectUris }) : null,
      };
    }),
  );
}

/**
 * Revokes one of the user's grants (or all of them): the grant row goes with every code, access and refresh token
 * issued under it, so the app's next MCP or AI request is refused at once (401). The app's policy row stays: its
 * allowed origins keep the browser app able to read that 401 (CORS) and so to show "not connected" instead of "cannot
 * reach the gateway"; a reconnect finds the user's settings again (docs/app-connect.md §5). Returns how many grants
 * were revoked; a grant of another user is never touched. One statement (the families are chosen by the same delete
 * that removes them): no window between reading the grants and deleting them, and two revocations at once count
 * each grant once.
 */
export async function revokeConnectedApps(
  context: OAuthStoreContext,
  userId: string,
  grantId?: string,
): Promise<number> {
  const userGrants = context.db
    .select({ grantId: oauthRecords.grantId })
    .from(oauthRecords)
    .where(
      and(
        eq(oauthRecords.kind, 'Grant'),
        eq(oauthRecords.userId, userId),
        grantId == null ? undefined : eq(oauthRecords.grantId, grantId),
      ),
    );
  const deleted = await context.db
    .delete(oauthRecords)
    .where(inArray(oauthRecords.grantId, userGrants))
    .returning({ kind: oauthRecords.kind });
  return deleted.filter((row) => row.kind === 'Grant').length;
}

/** The user's live grant for a client, if they approved it before (newest first): re-approvals extend it. */
export async function findUserGrantId(
  context: OAuthStoreContext,
  userId: string,
  clientId: string,
): Promise<string | null> {
  const [row] = await context.db
    .select({ grantId: oauthRecords.grantId })
    .from(oauthRecords)
    .where(
      and(
        eq(oauthRecords.kind, 'Grant'),
        eq(oauthRecords.userId, userId),
        eq(oauthRecords.clientId, clientId),
        or(isNull(oauthRecords.expiresAt), gt(oauthRecords.expiresAt, new Date(context.now()))),
      ),
    )
    .orderBy(desc(oauthRecords.createdAt))
    .limit(1);
  return row?.grantId ?? null;
}
