import Provider, { type Configuration, errors, interactionPolicy, type KoaContextWithOIDC } from 'oidc-provider';
import { findUserById } from '../accounts/find-user.ts';
import { checkRedirectUris } from './check-redirect-uris.ts';
import type { OAuthKeys } from './oauth-keys.ts';
import { AI_SCOPE, MCP_SCOPE } from './oauth-scopes.ts';
import { canonicalResource, planAuthorizationScope, scopeOfResource } from './plan-authorization-scope.ts';
import { refuseFetchedClientUris } from './refuse-fetched-client-uris.ts';
import { OAUTH_ERROR_PAGE_CSP, renderOAuthErrorPage } from './render-oauth-error-page.ts';
import { type OAuthStoreContext, SqliteOAuthAdapter } from './sqlite-oauth-adapter.ts';
import { toPublishedMetadata } from './to-published-metadata.ts';

export type OAuthServerSettings = {
  /** `{public URL}/oauth`; the provider is mounted at that path. */
  issuer: string;
  /** `{public URL}/mcp`: the MCP endpoint's resource (scope `mcp:tools`). */
  resource: string;
  /** `{public origin}`: the AI APIs' resource (scope `ai`: `/api/ai/*`, `/v1/*`; docs/app-connect.md §2). */
  aiResource: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Cookie-signing keys and the JWKS, kept encrypted in the database (see oauth-keys.ts). */
  keys: OAuthKeys;
};

/** Path of the consent page; oidc-provider scopes its interaction cookie to it (the page's API lives below it). */
export const INTERACTION_PATH_PREFIX = '/oauth/interaction/';

const AUTHORIZATION_CODE_TTL_SECONDS = 60;
const INTERACTION_TTL_SECONDS = 10 * 60;
/** oidc-provider's own sign-in session only carries the account between an approval and its resume. */
const SESSION_TTL_SECONDS = 60 * 60;
/** A grant lives until revoked; a year bounds a forgotten one (the refresh tokens it backs rotate within it). */
const GRANT_TTL_SECONDS = 365 * 24 * 60 * 60;

/**
 * The gateway's authorization server: panva's oidc-provider (OpenID Certified; docs/mcp-oauth.md §4.4), configured as
 * a plain OAuth 2.1 server for two resources. What the configuration pins down, and why:
 * - only `code` + PKCE S256 (oidc-provider knows no `plain`), `iss` on every authorization response (RFC 9207);
 * - RFC 8707: two resources, each with one scope — `/mcp` (`mcp:tools`) and the gateway's AI APIs (`ai`,
 *   docs/app-connect.md §2); a request without `resource` gets the resources of the scopes it asks for (`/mcp` when it
 *   names none), anything else is `invalid_target`; the resource becomes the audience of opaque access tokens
 *   (opaque, so revocation is instant);
 * - client auth `none`, `client_secret_post`, `client_secret_basic`; open dynamic registration with our redirect
 *   rules; refresh tokens for every client that registered the grant (no `offline_access` needed: Claude never
 *   asks for it), rotated on each use, reuse revoking the grant (oidc-provider's rotation);
 * - every authorization goes through the gateway's consent page, even for an app approved before (a custom check),
 *   so a request is never approved without the gateway user seeing it;
 * - CORS on the token and revocation endpoints only for a public client's own redirect origins (browser apps,
 *   docs/app-connect.md §4);
 * - no OpenID Connect surface (no `openid` scope, userinfo, logout or ID tokens): MCP does not use it.
 */
export function createOAuthProvider(context: OAuthStoreContext, settings: OAuthServerSettings): Provider {
  const resources = { mcp: settings.resource, ai: settings.aiResource };
  const policy = interactionPolicy.base();
  policy.get('consent')?.checks.add(
    new interactionPolicy.Check(
      'gateway_approval_required',
      'the gateway user approves each authorization request',
      // On resume the approval just given is in `result`; every fresh request asks again.
      (ctx) => ctx.oidc.result?.consent == null,
    ),
  );

  const configuration: Configuration = {
    adapter: (name: string) => new SqliteOAuthAdapter(name, context),
    clients: [],
    jwks: settings.keys.jwks,
    cookies: {
      keys: settings.keys.cookieKeys,
      names: { session: 'pag_oauth_session', interaction: 'pag_oauth_interaction', resume: 'pag_oauth_resume' },
      long: { httpOnly: true, sameSite: 'lax', signed: true },
      short: { httpOnly: true, sameSite: 'lax', signed: true },
    },
    findAccount: async (_ctx, accountId) => {
      const user = await findUserById(context, accountId);
      return user == null ? undefined : { accountId: user.id, claims: () => ({ sub: user.id }) };
    },
    routes: {
      authorization: '/authorize',
      token: '/token',
      registration: '/register',
      revocation: '/revoke',
      jwks: '/jwks',
    },
    // `mcp:tools` and `ai` are the resources' scopes (getResourceServerInfo below); they are listed here too because
    // clients register with `scope: "mcp:tools"` (the MCP SDK copies it from our metadata) and oidc-provider checks
    // registered scopes against this list. `openid` cannot be removed; the scope filter never lets it through.
    scopes: ['openid', MCP_SCOPE, AI_SCOPE],
    claims: { openid: ['sub'] },
    responseTypes: ['code'],
    clientAuthMethods: ['none', 'client_secret_basic', 'client_secret_post'],
    pkce: { required: () => true },
    // A browser app (public client) may call the token and revocation endpoints from its own origin, i.e. the origin
    // of one of its redirect URIs; a confidential client's secret never belongs in a browser, so never cross-origin.
    // The preflight cannot know the client and is answered for any origin; the request itself is then refused.
    clientBasedCORS: (_ctx, origin, client) =>
      client.clientAuthMethod === 'none' &&
      (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    clientDefaults: {
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    extraClientMetadata: {
      properties: ['software_id', 'software_version'],
      // Called once per listed property with the whole metadata, before oidc-provider's own type checks; ours are
      // strings (RFC 7591 §2) and are checked here, since oidc-provider would store any JSON value as given.
      validator: (_ctx, key, value, metadata) => {
        if (value != null && typeof value !== 'string') {
          throw new errors.InvalidClientMetadata(`${key} must be a string`);
        }
        if (key === 'software_id') {
          refuseFetchedClientUris(metadata);
          checkRedirectUris(metadata);
        }
      },
    },
    // Never fetch a registering client's sector identifier document (refused above too): see
    // refuse-fetched-client-uris.ts.
    sectorIdentifierUriValidate: () => false,
    features: {
      devInteractions: { enabled: false },
      registration: { enabled: true, initialAccessToken: false },
      revocation: { enabled: true },
      userinfo: { enabled: false },
      introspection: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // Without `resource`: at /authorize, the resources of the requested scopes; at /token, for a grant that
        // holds both resources, the AI one (a client wanting the other names it: RFC 8707 §2.2).
        defaultResource: (ctx, _client, oneOf) => {
          if (oneOf != null) return oneOf.includes(resources.ai) ? resources.ai : (oneOf[0] ?? resources.mcp);
          const scope = typeof ctx.oidc.params?.scope === 'string' ? ctx.oidc.params.scope : undefined;
          const planned = planAuthorizationScope(resources, { scope, resource: undefined }).resources;
          return planned.length === 1 ? (planned[0] ?? resources.mcp) : planned;
        },
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          const audience = canonicalResource(resources, resource);
          const scope = scopeOfResource(resources, resource);
          if (audience == null || scope == null) {
            throw new errors.InvalidTarget(
              `this server only issues tokens for ${settings.resource} (scope ${MCP_SCOPE}) and ${settings.aiResource} (scope ${AI_SCOPE})`,
            );
          }
          return {
            scope,
            audience,
            accessTokenTTL: settings.accessTokenTtlSeconds,
            accessTokenFormat: 'opaque',
          };
        },
      },
    },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      AccessToken: settings.accessTokenTtlSeconds,
      AuthorizationCode: AUTHORIZATION_CODE_TTL_SECONDS,
      RefreshToken: settings.refreshTokenTtlSeconds,
      Interaction: INTERACTION_TTL_SECONDS,
      Session: SESSION_TTL_SECONDS,
      Grant: GRANT_TTL_SECONDS,
    },
    interactions: {
      url: (_ctx, interaction) => `${INTERACTION_PATH_PREFIX}${interaction.uid}`,
      policy,
    },
    allowOmittingSingleRegisteredRedirectUri: false,
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.set('cache-control', 'no-store');
      ctx.set('content-security-policy', OAUTH_ERROR_PAGE_CSP);
      ctx.body = renderOAuthErrorPage({ error: out.error, description: out.error_description ?? '' });
    },
  };

  const provider = new Provider(settings.issuer, configuration);
  // The gateway terminates (or sits behind) HTTP; Fastify decides which forwarded headers to trust and the issuer
  // comes from config, never from request headers.
  provider.proxy = true;
  // Scope-less requests get the default scope and unknown scopes are dropped before oidc-provider sees them
  // (docs/mcp-oauth.md §1.6 item 6): stock oidc-provider denies a request that leaves no scope to grant.
  provider.use(async (ctx: KoaContextWithOIDC, next) => {
    if (ctx.method === 'GET' && ctx.path === '/authorize') {
      // oidc-provider finds its mount path by locating the request URL inside `originalUrl`; keep the two in step.
      const request = ctx.req as typeof ctx.req & { originalUrl?: string };
      const mountPath = request.originalUrl?.slice(0, request.originalUrl.indexOf(ctx.url)) ?? '';
      const query = new URLSearchParams(ctx.querystring);
      const requestedResources = query.getAll('resource');
      query.set(
        'scope',
        planAuthorizationScope(resources, { scope: query.get('scope'), resource: requestedResources }).scope,
      );
      ctx.querystring = query.toString();
      request.originalUrl = `${mountPath}${ctx.url}`;
    }
    await next();
    if (ctx.path === '/.well-known/openid-configuration' && ctx.status === 200) {
      ctx.body = toPublishedMetadata(ctx.body as Record<string, unknown>);
    }
  });
  return provider;
}
