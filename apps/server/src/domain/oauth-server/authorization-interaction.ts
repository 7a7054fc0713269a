import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthorizationRequestView } from '@pag/contracts';
import type Provider from 'oidc-provider';
import { GatewayError } from '../gateway-error.ts';
import { findUserGrantId } from './connected-apps.ts';
import type { OAuthStoreContext } from './database-oauth-adapter.ts';
import { isLoopbackHost } from './is-loopback-host.ts';
import { AI_SCOPE, SCOPE_DESCRIPTIONS } from './oauth-scopes.ts';
import { type OAuthResources, planAuthorizationScope, scopeOfResource } from './plan-authorization-scope.ts';
import { ensureAppPolicy } from './read-app-policy.ts';

type RawExchange = { req: IncomingMessage; res: ServerResponse };

/**
 * Reads the pending authorization request behind a consent page. oidc-provider finds it through its interaction
 * cookie, which only the browser that started the request holds: a consent link sent to someone else (consent
 * phishing) finds nothing.
 */
async function loadInteraction(provider: Provider, exchange: RawExchange, uid: string) {
  // oidc-provider throws SessionNotFound without the cookie; both cases get the same answer.
  const details = await provider.interactionDetails(exchange.req, exchange.res).catch(() => null);
  if (details == null || details.uid !== uid) {
    throw new GatewayError(
      'flow_expired',
      'This authorization request has expired or was started in another browser: start the connection again from the app.',
    );
  }
  const clientId = String(details.params.client_id ?? '');
  const client = await provider.Client.find(clientId);
  if (client == null) {
    throw new GatewayError(
      'flow_expired',
      'The app that started this request is no longer registered: connect it again.',
    );
  }
  return { details, client };
}

/** The consent page's view of a pending request: who asks (name as declared, redirect host as proven), for what. */
export async function describeAuthorizationRequest(
  provider: Provider,
  exchange: RawExchange,
  options: { uid: string; userId: string; resources: OAuthResources; store: OAuthStoreContext },
): Promise<AuthorizationRequestView> {
  const { details, client } = await loadInteraction(provider, exchange, options.uid);
  const redirectUri = String(details.params.redirect_uri ?? client.redirectUris?.[0] ?? '');
  const redirect = URL.parse(redirectUri);
  const planned = planRequest(options.resources, details.params);
  return {
    uid: details.uid,
    clientId: client.clientId,
    clientName: client.clientName ?? null,
    redirectUri,
    redirectHost: redirect?.host ?? redirectUri,
    isLoopbackRedirect: redirect != null && isLoopbackHost(redirect.hostname),
    isKnownApp: (await findUserGrantId(options.store, options.userId, client.clientId)) != null,
    scopes: planned.scope.split(' ').map((name) => ({ name, description: SCOPE_DESCRIPTIONS[name] ?? name })),
    resource: planned.resources[0] ?? options.resources.mcp,
  };
}

/**
 * Records the signed-in user's decision on a pending request and returns where the browser goes next (oidc-provider's
 * resume URL, which redirects to the app with a code or `access_denied`, `state` and `iss`). An approval grants
 * exactly the normalised scope for the one resource, to this user: the grant is new or this user's own earlier one.
 */
export async function decideAuthorizationRequest(
  provider: Provider,
  exchange: RawExchange,
  options: { uid: string; userId: string; approve: boolean; resources: OAuthResources; store: OAuthStoreContext },
): Promise<{ redirectTo: string }> {
  const { details, client } = await loadInteraction(provider, exchange, options.uid);
  if (!options.approve) {
    const redirectTo = await provider.interactionResult(
      exchange.req,
      exchange.res,
      { error: 'access_denied', error_description: 'The gateway user denied the request.' },
      { mergeWithLastSubmission: false },
    );
    return { redirectTo };
  }
  // Another gateway user approved an app in this browser before, and oidc-provider's own short session still names
  // them: end it, or oidc-provider would answer the approval with a log-out prompt for the previous account.
  const previousAccount = details.session?.accountId;
  if (previousAccount != null && previousAccount !== options.userId) {
    const stale = details.session?.uid == null ? undefined : await provider.Session.findByUid(details.session.uid);
    await stale?.destroy();
    details.session = undefined;
    await details.save(details.exp - Math.floor(Date.now() / 1000));
  }
  // One grant per user and app: a re-approval extends the user's existing grant, so Connected apps lists the app
  // once and revoking it revokes everything it was ever given.
  const existingId = await findUserGrantId(options.store, options.userId, client.clientId);
  const existing = existingId == null ? undefined : await provider.Grant.find(existingId);
  const grant =
    existing != null && existing.accountId === options.userId && existing.clientId === client.clientId
      ? existing
      : new provider.Grant({ accountId: options.userId, clientId: client.clientId });
  // Each resource gets its own scope (mcp:tools for /mcp, ai for the AI APIs), never the other's.
  const planned = planRequest(options.resources, details.params);
  const scopes = planned.scope.split(' ');
  for (const resource of planned.resources) {
    const scope = scopeOfResource(options.resources, resource);
    if (scope != null && scopes.includes(scope)) grant.addResourceScope(resource, scope);
  }
  // The same scopes are also OpenID-level scopes to oidc-provider (see create-oauth-provider.ts), so they are
  // granted at both levels or the request would come back to the consent page.
  grant.addOIDCScope(planned.scope);
  const grantId = await grant.save();
  if (scopes.includes(AI_SCOPE)) {
    await ensureAppPolicy(options.store, {
      userId: options.userId,
      clientId: client.clientId,
      redirectUris: client.redirectUris ?? [],
    });
  }
  const redirectTo = await provider.interactionResult(
    exchange.req,
    exchange.res,
    { login: { accountId: options.userId }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
  return { redirectTo };
}

/** The scope and resources of the pending request, as /authorize planned them (plan-authorization-scope.ts). */
function planRequest(resources: OAuthResources, params: Record<string, unknown>) {
  return planAuthorizationScope(resources, {
    scope: typeof params.scope === 'string' ? params.scope : undefined,
    resource: params.resource,
  });
}
