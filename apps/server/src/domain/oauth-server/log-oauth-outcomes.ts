import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';

type Logger = { info: (object: object, message: string) => void; warn: (object: object, message: string) => void };

/** What identifies an OAuth exchange in the logs: the client, its redirect URI and the grant type. Never a secret. */
function describe(ctx: KoaContextWithOIDC) {
  const params = (ctx.oidc?.params ?? {}) as Record<string, unknown>;
  return {
    clientId: ctx.oidc?.client?.clientId ?? (typeof params.client_id === 'string' ? params.client_id : undefined),
    redirectUri: typeof params.redirect_uri === 'string' ? params.redirect_uri : undefined,
    grantType: typeof params.grant_type === 'string' ? params.grant_type : undefined,
    route: ctx.oidc?.route,
  };
}

function describeError(error: unknown) {
  const oauthError = error as { error?: string; error_description?: string; message?: string };
  return {
    error: oauthError.error ?? 'server_error',
    errorDescription: oauthError.error_description ?? oauthError.message,
  };
}

/**
 * One structured log line per authorization-server outcome (registration, authorization, token grant,
 * revocation), with the client id and redirect URI, so a failed ChatGPT or Claude connection can be traced to
 * the step that failed (docs/mcp-oauth.md §2: some failures are on the host's side, and our log proves ours).
 */
export function logOAuthOutcomes(provider: Provider, log: Logger): void {
  const info = (event: string) => (ctx: KoaContextWithOIDC) =>
    log.info({ event: `oauth.${event}`, result: 'ok', ...describe(ctx) }, `OAuth ${event}`);
  const warn = (event: string) => (ctx: KoaContextWithOIDC, error: unknown) =>
    log.warn(
      { event: `oauth.${event}`, result: 'error', ...describe(ctx), ...describeError(error) },
      `OAuth ${event} failed`,
    );
  provider.on('registration_create.success', (_ctx, client) =>
    log.info(
      {
        event: 'oauth.registration',
        result: 'ok',
        clientId: client.clientId,
        clientName: client.clientName,
        redirectUris: client.redirectUris,
      },
      'OAuth client registered',
    ),
  );
  provider.on('registration_create.error', warn('registration'));
  provider.on('authorization.success', info('authorization'));
  provider.on('authorization.error', warn('authorization'));
  provider.on('grant.success', info('token'));
  provider.on('grant.error', warn('token'));
  provider.on('revocation.error', warn('revocation'));
  provider.on('grant.revoked', (_ctx: KoaContextWithOIDC, grantId: string) =>
    log.warn({ event: 'oauth.grant_revoked', grantId }, 'OAuth grant revoked (refresh-token reuse or code replay)'),
  );
  provider.on('server_error', (ctx: KoaContextWithOIDC, error: unknown) =>
    log.warn({ event: 'oauth.server_error', ...describe(ctx), err: error }, 'OAuth server error'),
  );
}
