import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import { createUpstreamFetch } from '@pag/providers';
import type { Vault } from '@pag/vault';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { Config } from './config.ts';
import type { GatewayDatabase } from './db/open-database.ts';
import { LOGIN_THROTTLE_LIMIT, LoginThrottle } from './domain/accounts/login-throttle.ts';
import { SetupToken } from './domain/accounts/setup-token.ts';
import { ChatgptTokenManager } from './domain/connections/chatgpt-token-manager.ts';
import { completeBrowserCallback } from './domain/connections/complete-browser-callback.ts';
import { createConnectionsContext } from './domain/connections/connections-context.ts';
import { DeviceSignInPoller } from './domain/connections/device-sign-in-poller.ts';
import { hasPendingBrowserFlows } from './domain/connections/has-pending-browser-flows.ts';
import { LoopbackCallbackServer } from './domain/connections/loopback-callback-server.ts';
import { resumeSignInsAfterRestart } from './domain/connections/resume-sign-ins-after-restart.ts';
import { AiGateway } from './domain/gateway/ai-gateway.ts';
import { createProviderRegistry } from './domain/gateway/providers/provider-registry.ts';
import { GATEWAY_ORIGINATOR, GATEWAY_USER_AGENT } from './domain/gateway-identity.ts';
import { GoogleTokenManager } from './domain/google/google-token-manager.ts';
import { McpSessionRegistry } from './domain/mcp/mcp-session-registry.ts';
import { GatewayMetrics, type RefreshOutcome } from './domain/metrics/gateway-metrics.ts';
import { readQuotaUsage } from './domain/metrics/read-quota-usage.ts';
import { ResumableStreamStore } from './domain/note-app/resumable-stream-store.ts';
import { logOAuthOutcomes } from './domain/oauth-server/log-oauth-outcomes.ts';
import { loadOrCreateOAuthKeys } from './domain/oauth-server/oauth-keys.ts';
import { resolveAppToken } from './domain/oauth-server/resolve-app-token.ts';
import { readOperatorSettings } from './domain/operator/operator-settings.ts';
import { OutboundPolicy, type ResolveHost } from './domain/outbound/outbound-policy.ts';
import { QuotaReader } from './domain/quota/quota-reader.ts';
import { ReadCache } from './domain/read-cache/read-cache.ts';
import { UsageLedger, type UsageLedgerSettings } from './domain/usage/usage-ledger.ts';
import { loadOnce } from './load-once.ts';
import { accessControlPlugin } from './plugins/access-control.ts';
import { corsPlugin } from './plugins/cors.ts';
import { databaseRateLimitStore } from './plugins/database-rate-limit-store.ts';
import { classifyError, errorHandlerPlugin, sendError } from './plugins/error-handler.ts';
import { buildLoggerOptions } from './plugins/logger-options.ts';
import { metricsPlugin } from './plugins/metrics.ts';
import { openApiDocumentPlugin } from './plugins/openapi-document.ts';
import { rateLimitPlugin } from './plugins/rate-limit.ts';
import { readCacheScopePlugin } from './plugins/read-cache-scope.ts';
import { RequestLogController } from './plugins/request-log.ts';
import { securityHeadersPlugin } from './plugins/security-headers.ts';
import { sessionCookieSettings } from './plugins/session-cookie.ts';
import { loadTracing, tracingPlugin } from './plugins/tracing.ts';
import { usageTrackingPlugin } from './plugins/usage-tracking.ts';
import { webUiPlugin } from './plugins/web-ui.ts';
import { adminRoutes } from './routes/admin/admin-routes.ts';
import { aiRoutes } from './routes/ai/ai-routes.ts';
import { apiKeyRoutes } from './routes/api-keys/api-key-routes.ts';
import { authRoutes } from './routes/auth/auth-routes.ts';
import { connectionRoutes } from './routes/connections/connection-routes.ts';
import { googleConnectionRoutes } from './routes/connections/google-connection-routes.ts';
import { gettingStartedRoutes } from './routes/getting-started/getting-started-routes.ts';
import { healthRoutes } from './routes/health-routes.ts';
import { mcpRoutes } from './routes/mcp/mcp-routes.ts';
import { metricsRoutes } from './routes/metrics-routes.ts';
import { modelAliasesRoutes } from './routes/model-aliases/model-aliases-routes.ts';
import { connectedAppsRoutes } from './routes/oauth/connected-apps-routes.ts';
import { consentRoutes } from './routes/oauth/consent-routes.ts';
import { oauthServerRoutes } from './routes/oauth/oauth-server-routes.ts';
import { openApiRoutes } from './routes/openapi/openapi-routes.ts';
import type { RouteServices } from './routes/route-services.ts';
import { settingsRoutes } from './routes/settings/settings-routes.ts';
import { quotaRoutes } from './routes/usage/quota-routes.ts';
import { usageRoutes } from './routes/usage/usage-routes.ts';
import { v1Routes } from './routes/v1/v1-routes.ts';

export type AppDependencies = {
  config: Config;
  db: GatewayDatabase;
  /** Clock in epoch milliseconds; tests move it to expire sessions. */
  now?: () => number;
  setupToken?: SetupToken;
  /** Where logs go (stdout when omitted); tests capture them to prove secrets stay out. */
  logStream?: DestinationStream;
  /** Encrypts upstream tokens at rest (see domain/vault/open-gateway-vault.ts). */
  vault: Vault;
  /** The fetch used to reach upstreams; tests may inject one (its timeouts are then its own). */
  upstreamFetch?: typeof fetch;
  /** How the outbound policy resolves host names (the system resolver when omitted); tests make a name lead anywhere. */
  upstreamResolve?: ResolveHost;
  /** The usage ledger's batching (tests shorten or lengthen it); the defaults otherwise. */
  usageLedger?: Partial<UsageLedgerSettings> | undefined;
  /** False turns the request cache off (docs/request-cache.md), for tests that measure what it saves. */
  requestCache?: boolean;
};

/** Largest JSON body the gateway's own API accepts; AI routes that carry images raise it per route. */
const BODY_LIMIT_BYTES = 1024 * 1024;
/** MCP sessions idle this long are closed; clients re-initialize transparently. */
const MCP_SESSION_IDLE_MS = 30 * 60_000;
const MCP_SESSIONS_PER_USER = 20;
/** How often a replica on PostgreSQL looks for device sign-ins nobody polls (their replica stopped). */
const ADOPT_SIGN_INS_INTERVAL_MS = 30_000;

/**
 * Composes the gateway: cross-cutting plugins first, then the route groups inside one encapsulated scope that
 * carries the access control. Never listens: `main.ts` does, tests use `inject()`.
 */
export async function buildApp(dependencies: AppDependencies): Promise<FastifyInstance> {
  const { config, db } = dependencies;
  const now = dependencies.now ?? Date.now;
  const app: FastifyInstance = Fastify({
    logger: buildLoggerOptions({ level: config.logLevel, stream: dependencies.logStream }),
    bodyLimit: BODY_LIMIT_BYTES,
    // A hop count becomes a function because Fastify's types (not its runtime) only take booleans and addresses.
    trustProxy:
      typeof config.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (config.trustProxy as number)
        : config.trustProxy,
    genReqId: () => randomUUID(),
    logController: new RequestLogController(),
    return503OnClosing: true,
    // Errors Fastify raises before routing (a malformed URL) go through the same envelope as everything else.
    frameworkErrors: (error, _request, reply) => sendError(reply, classifyError(error)),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  app.decorateRequest('hasAccessLine', false);
  await app.register(errorHandlerPlugin);
  await app.register(securityHeadersPlugin, { isHttps: config.isHttps });
  await app.register(cookie);
  // Counted in the database, so replicas on one PostgreSQL share every route's limits (docs/postgres.md §4).
  await app.register(rateLimitPlugin, { store: databaseRateLimitStore({ db, now }) });
  // Before any route: it collects the route table as it is built (docs/note-app-api.md, "OpenAPI").
  await app.register(openApiDocumentPlugin, { serverUrl: config.publicUrl.origin });

  // Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; then first, so its span covers every other hook.
  const tracing = await loadTracing({ endpoint: config.otlpEndpoint });
  if (tracing != null) await app.register(tracingPlugin, { tracing });
  const context = { db, now };
  const metrics = new GatewayMetrics({ readQuotaUsage: () => readQuotaUsage(context) });
  // The reads every AI request repeats, kept per process and dropped whenever the database's triggers say that
  // anything they come from changed (docs/request-cache.md).
  const readCache = await ReadCache.open(db, {
    isEnabled: dependencies.requestCache ?? true,
    log: app.log,
    observer: {
      read: (kind, outcome) => metrics.observeCacheRead(kind, outcome),
      invalidated: () => metrics.observeCacheInvalidation(),
    },
  });
  await app.register(metricsPlugin, { metrics });
  // Every upstream call (model calls and lists, key checks, sign-in and token endpoints) goes through this one
  // fetch, so the connect, first-byte and idle timeouts hold everywhere (docs/security.md, "A slow or silent
  // upstream holds connections").
  let upstreamFetch = dependencies.upstreamFetch;
  if (upstreamFetch == null) {
    const ownFetch = createUpstreamFetch({
      connectTimeoutMs: config.upstreamConnectTimeoutMs,
      firstByteTimeoutMs: config.upstreamFirstByteTimeoutMs,
      idleTimeoutMs: config.upstreamIdleTimeoutMs,
    });
    app.addHook('onClose', () => ownFetch.close());
    upstreamFetch = ownFetch;
  }
  if (tracing != null) upstreamFetch = tracing.traceFetch(upstreamFetch);
  const connections = {
    ...createConnectionsContext({ config, db, now, vault: dependencies.vault, fetch: upstreamFetch }),
    observeRefresh: (provider: string, outcome: RefreshOutcome) => metrics.observeRefresh(provider, outcome),
  };
  const loopbackCallback = new LoopbackCallbackServer({
    redirectUri: config.codexRedirectUri,
    settingsUrl: new URL('/settings/connections', config.publicUrl).toString(),
    hasPendingFlows: () => hasPendingBrowserFlows(connections),
    log: app.log,
    handleCallback: async (parameters) => {
      try {
        await completeBrowserCallback(connections, parameters);
        return { ok: true };
      } catch (error) {
        return { ok: false, message: classifyError(error).message };
      }
    },
  });
  const devicePoller = new DeviceSignInPoller({ context: connections, log: app.log });
  await resumeSignInsAfterRestart(connections, devicePoller);
  // Replicas on PostgreSQL: a device sign-in started on a replica that then stopped would wait for a restart to be
  // polled again. Every replica adopts pending flows now and then; polls stay one per interval whoever polls (the
  // flow row is claimed by a conditional update, poll-chatgpt-device-sign-in.ts; docs/postgres.md §4).
  const adoptSignIns =
    config.database.kind === 'postgres'
      ? setInterval(() => {
          resumeSignInsAfterRestart(connections, devicePoller).catch((error: unknown) =>
            app.log.warn({ err: error }, 'adopting pending sign-ins failed'),
          );
        }, ADOPT_SIGN_INS_INTERVAL_MS)
      : undefined;
  adoptSignIns?.unref();
  app.addHook('onClose', async () => {
    clearInterval(adoptSignIns);
    devicePoller.stopAll();
    await loopbackCallback.close();
  });
  const operatorDefaults = { allowPrivateUpstreams: config.allowPrivateUpstreams };
  const outbound = new OutboundPolicy({
    allowPrivate: async () => (await readOperatorSettings(context, operatorDefaults)).allowPrivateUpstreams,
    resolve: dependencies.upstreamResolve,
    timeouts: {
      connectTimeoutMs: config.upstreamConnectTimeoutMs,
      firstByteTimeoutMs: config.upstreamFirstByteTimeoutMs,
      idleTimeoutMs: config.upstreamIdleTimeoutMs,
    },
  });
  app.addHook('onClose', async () => {
    await outbound.close();
  });
  const tokenManager = new ChatgptTokenManager(connections);
  const googleTokens = new GoogleTokenManager(connections);
  const registry = createProviderRegistry({
    context: connections,
    chatgptTokens: tokenManager,
    googleTokens,
    chatgpt: {
      backendUrl: config.chatgptBackendUrl,
      originator: GATEWAY_ORIGINATOR,
      userAgent: GATEWAY_USER_AGENT,
      clientVersion: config.codexClientVersion,
      firstByteTimeoutMs: config.upstreamFirstByteTimeoutMs,
      // Header snapshots feed the quota history too (called only on a request, once `quota` exists; never rejects).
      onRateLimitsStored: (userId, snapshot) => quota.recordHeaderSnapshot(userId, snapshot),
    },
    geminiApiUrl: config.geminiApiUrl,
    anthropicApiUrl: config.anthropicApiUrl,
    fetch: upstreamFetch,
    outbound,
    userUpstreamFetch: dependencies.upstreamFetch,
    log: app.log,
  });
  // The subscription's live quota (issue 19): read for the settings page and, when stale, before routing.
  const quota = new QuotaReader({
    context: connections,
    findConnection: async (userId) => tokenManager.findConnection(userId),
    readUsage: (userId, abortSignal) => registry.chatgpt.readUsage(userId, abortSignal),
    log: app.log,
  });
  const gateway = new AiGateway({
    context: connections,
    log: app.log,
    metrics,
    registry,
    quotaLevels: (userId) => quota.levelsForRouting(userId),
  });
  const oauthStore = { db, now, vault: dependencies.vault };
  // oidc-provider (with its Koa app) is imported and built, and its signing keys read or made, by the first request
  // that needs it (an OAuth endpoint, /mcp, the consent page, a connected app's token), not at start (issue 22).
  const loadOAuthProvider = loadOnce(async () => {
    const { createOAuthProvider } = await import('./domain/oauth-server/create-oauth-provider.ts');
    const provider = createOAuthProvider(oauthStore, {
      issuer: config.oauthIssuer,
      resource: config.mcpResourceUrl,
      aiResource: config.aiResourceUrl,
      accessTokenTtlSeconds: config.oauthAccessTokenTtlSeconds,
      refreshTokenTtlSeconds: config.oauthRefreshTokenTtlSeconds,
      keys: await loadOrCreateOAuthKeys(oauthStore),
    });
    logOAuthOutcomes(provider, app.log);
    return provider;
  });
  const mcpSessions = new McpSessionRegistry({ idleMs: MCP_SESSION_IDLE_MS, maxPerUser: MCP_SESSIONS_PER_USER, now });
  const sweepMcpSessions = setInterval(() => mcpSessions.sweep(), 60_000);
  sweepMcpSessions.unref();
  app.addHook('onClose', async () => {
    clearInterval(sweepMcpSessions);
    await mcpSessions.closeAll();
  });
  // Note-app streams outlive their first response (docs/note-app-api.md, "Resuming a stream"); a shutdown ends them.
  const streams = new ResumableStreamStore({
    graceMs: config.streamResumeGraceMs,
    retentionMs: config.streamRetentionMs,
    maxBytesPerStream: config.streamMaxBytes,
    maxTotalBytes: config.streamTotalMaxBytes,
    now,
  });
  app.addHook('preClose', async () => {
    streams.close();
  });
  // The usage ledger is written in batches off the request path; closing writes what is queued (after `preClose`
  // ended the note-app streams, whose rows are recorded as they end).
  const usage = new UsageLedger({ context, log: app.log, settings: dependencies.usageLedger, readCache });
  app.addHook('onClose', async () => {
    await usage.close();
  });
  const services: RouteServices = {
    context,
    connections,
    tokenManager,
    googleTokens,
    gateway,
    quota,
    streams,
    usage,
    loopbackCallback,
    devicePoller,
    signInEnvironment: {
      browserSignIn: config.browserSignIn,
      runsInContainer: config.runsInContainer,
      publicUrl: config.publicUrl,
    },
    sessionPolicy: { idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs },
    cookie: sessionCookieSettings(config.isHttps),
    setupToken: dependencies.setupToken ?? new SetupToken(),
    loginThrottle: new LoginThrottle({ db, now, ...LOGIN_THROTTLE_LIMIT }),
    oauth: {
      loadProvider: loadOAuthProvider,
      issuer: config.oauthIssuer,
      resource: config.mcpResourceUrl,
      aiResource: config.aiResourceUrl,
      store: oauthStore,
      maxClients: config.oauthMaxClients,
    },
    mcpSessions,
    mcpSessionMode: config.mcpSessions,
    outbound,
    operatorDefaults,
    metrics,
    metricsToken: config.metricsToken,
  };

  // First: the CORS checks and the access control of programs' requests read through the request cache.
  await app.register(readCacheScopePlugin, { cache: readCache });
  // Preflights are answered before any route's access control: they carry no credentials (docs/cors.md).
  await app.register(corsPlugin, {
    context,
    operatorOrigins: config.corsOrigins,
    publicOrigin: config.publicUrl.origin,
  });
  await app.register(async (routes) => {
    await routes.register(accessControlPlugin, {
      context: services.context,
      sessionPolicy: services.sessionPolicy,
      cookie: services.cookie,
      publicOrigin: config.publicUrl.origin,
      resolveAppToken: async (token) =>
        resolveAppToken(await loadOAuthProvider(), oauthStore, { token, resource: config.aiResourceUrl }),
      corsOrigins: config.corsOrigins,
    });
    // After access control: a request's ledger row needs its caller.
    await routes.register(usageTrackingPlugin, { ledger: usage, now });
    await routes.register(healthRoutes, services);
    await routes.register(metricsRoutes, services);
    await routes.register(openApiRoutes);
    await routes.register(authRoutes, services);
    await routes.register(apiKeyRoutes, services);
    await routes.register(connectionRoutes, services);
    await routes.register(googleConnectionRoutes, services);
    await routes.register(settingsRoutes, services);
    await routes.register(modelAliasesRoutes, services);
    await routes.register(usageRoutes, services);
    await routes.register(gettingStartedRoutes, services);
    await routes.register(quotaRoutes, services);
    await routes.register(adminRoutes, services);
    await routes.register(v1Routes, { ...services, prefix: '/v1' });
    await routes.register(aiRoutes, services);
    await routes.register(oauthServerRoutes, services);
    await routes.register(consentRoutes, { ...services, webDir: config.webDir });
    await routes.register(connectedAppsRoutes, services);
    await routes.register(mcpRoutes, services);
  });

  await app.register(webUiPlugin, { webDir: config.webDir });
  return app;
}
