import type { OperatorSettings } from '@pag/contracts';
import type Provider from 'oidc-provider';
import type { LoginThrottle } from '../domain/accounts/login-throttle.ts';
import type { SessionPolicy } from '../domain/accounts/session-policy.ts';
import type { SetupToken } from '../domain/accounts/setup-token.ts';
import type { ChatgptTokenManager } from '../domain/connections/chatgpt-token-manager.ts';
import type { ConnectionsContext } from '../domain/connections/connections-context.ts';
import type { SignInEnvironment } from '../domain/connections/describe-sign-in-options.ts';
import type { DeviceSignInPoller } from '../domain/connections/device-sign-in-poller.ts';
import type { LoopbackCallbackServer } from '../domain/connections/loopback-callback-server.ts';
import type { DomainContext } from '../domain/domain-context.ts';
import type { AiGateway } from '../domain/gateway/ai-gateway.ts';
import type { GoogleTokenManager } from '../domain/google/google-token-manager.ts';
import type { McpSessionRegistry } from '../domain/mcp/mcp-session-registry.ts';
import type { GatewayMetrics } from '../domain/metrics/gateway-metrics.ts';
import type { ResumableStreamStore } from '../domain/note-app/resumable-stream-store.ts';
import type { OAuthStoreContext } from '../domain/oauth-server/database-oauth-adapter.ts';
import type { OutboundPolicy } from '../domain/outbound/outbound-policy.ts';
import type { QuotaReader } from '../domain/quota/quota-reader.ts';
import type { UsageLedger } from '../domain/usage/usage-ledger.ts';
import type { SessionCookieSettings } from '../plugins/session-cookie.ts';

/** What route groups receive from `buildApp`: the domain contexts plus the app-lifetime objects. */
export type RouteServices = {
  context: DomainContext;
  connections: ConnectionsContext;
  sessionPolicy: SessionPolicy;
  cookie: SessionCookieSettings;
  setupToken: SetupToken;
  loginThrottle: LoginThrottle;
  tokenManager: ChatgptTokenManager;
  googleTokens: GoogleTokenManager;
  loopbackCallback: LoopbackCallbackServer;
  devicePoller: DeviceSignInPoller;
  /** Where the gateway runs, for recommending a ChatGPT sign-in method. */
  signInEnvironment: SignInEnvironment;
  gateway: AiGateway;
  /** The subscription's live quota (domain/quota/quota-reader.ts, issue 19). */
  quota: QuotaReader;
  /** The note-app streams, resumable by their owner for a while (domain/note-app/resumable-stream-store.ts). */
  streams: ResumableStreamStore;
  /** The usage ledger's writer: routes queue one row per request (domain/usage/usage-ledger.ts). */
  usage: UsageLedger;
  /** The MCP authorization server (oidc-provider) and the identifiers it issues tokens under. */
  oauth: {
    /**
     * The provider, built by the first call that needs it (then shared): oidc-provider and its Koa app weigh some
     * 40 MiB and a third of a second, and only OAuth, MCP and connected-app requests use them (issue 22).
     */
    loadProvider: () => Promise<Provider>;
    issuer: string;
    /** The canonical `/mcp` URL: the audience of MCP tokens (scope `mcp:tools`). */
    resource: string;
    /** The public origin: the audience of connected apps' tokens (scope `ai`, docs/app-connect.md §2). */
    aiResource: string;
    store: OAuthStoreContext;
    maxClients: number;
  };
  mcpSessions: McpSessionRegistry;
  /** `GATEWAY_MCP_SESSIONS`: sessions in this process's memory, or none (replicas; docs/postgres.md §4). */
  mcpSessionMode: 'memory' | 'stateless';
  /** The rule for users' upstream URLs; reset after an admin changes it. */
  outbound: OutboundPolicy;
  /** The operator settings' defaults from the environment, until an admin saves them. */
  operatorDefaults: OperatorSettings;
  /** The Prometheus metrics (docs/metrics.md). */
  metrics: GatewayMetrics;
  /** `GATEWAY_METRICS_TOKEN`, or null: loopback callers only. */
  metricsToken: string | null;
};
