import { errors } from 'oidc-provider';
import { registeredApps } from '../../db/schema.ts';
import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { generateToken } from '../security/secret-tokens.ts';
import { checkRedirectUris } from './check-redirect-uris.ts';
import type { OAuthStoreContext } from './sqlite-oauth-adapter.ts';
import { SqliteOAuthAdapter } from './sqlite-oauth-adapter.ts';

/** What `gateway app register` prints: the id the app puts in its authorization requests. */
export type RegisteredAppClient = { clientId: string; name: string; redirectUris: string[] };

/**
 * Pre-registers an app as a public OAuth client (`gateway app register`, docs/app-connect.md §3): no secret
 * (`token_endpoint_auth_method: none`, PKCE is its proof), code and refresh-token grants, redirect URIs checked by
 * the same rules as dynamic registration. The client is written through the authorization server's own storage,
 * exactly as oidc-provider stores a registration (it fills in the defaults when it loads it), and listed in
 * `registered_apps` so the cleanup of abandoned registrations never removes it.
 */
export async function registerAppClient(
  context: OAuthStoreContext,
  options: { name: string; redirectUris: string[] },
): Promise<RegisteredAppClient> {
  const name = options.name.trim();
  if (name === '' || name.length > 200) {
    throw new GatewayError(
      'invalid_request',
      '--name must be 1 to 200 characters: the name users see on the consent page',
    );
  }
  if (options.redirectUris.length === 0) {
    throw new GatewayError('invalid_request', 'give at least one --redirect-uri (where the app receives the code)');
  }
  const metadata: Record<string, unknown> = {
    client_id: `app_${generateToken(16)}`,
    client_id_issued_at: Math.floor(context.now() / 1000),
    client_name: name,
    redirect_uris: [...new Set(options.redirectUris)],
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  };
  try {
    checkRedirectUris(metadata);
  } catch (error) {
    if (error instanceof errors.OIDCProviderError) {
      throw new GatewayError('invalid_request', error.error_description ?? error.message);
    }
    throw error;
  }
  const clientId = String(metadata.client_id);
  await new SqliteOAuthAdapter('Client', context).upsert(clientId, metadata);
  context.db
    .insert(registeredApps)
    .values({ clientId, name, createdAt: new Date(context.now()) })
    .run();
  await recordAuditEvent(context, { action: 'app_client.registered', userId: null, detail: { clientId, name } });
  return { clientId, name, redirectUris: metadata.redirect_uris as string[] };
}
