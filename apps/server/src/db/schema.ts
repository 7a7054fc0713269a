import type { RoutingRules } from '@pag/contracts';
import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Timestamps are integer milliseconds since the epoch (drizzle maps them to Date). Ids are random text.

/** Gateway users: the people who sign in to this gateway (not upstream accounts). */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  /** Stored lower-cased and trimmed; unique. */
  email: text('email').notNull().unique(),
  /** `scrypt$N$r$p$salt$hash`, see domain/accounts/hash-password.ts. */
  passwordHash: text('password_hash').notNull(),
  isAdmin: integer('is_admin', { mode: 'boolean' }).notNull().default(false),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Server-side sign-in sessions. The cookie carries a random secret; only its SHA-256 is stored, so a copy of the
 * database cannot be replayed as a cookie.
 */
export const sessions = sqliteTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Synchronizer token for CSRF protection; useless without the session cookie. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastSeenAt: integer('last_seen_at', { mode: 'timestamp_ms' }).notNull(),
    /** Absolute end of the session, whatever its use. */
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    userAgent: text('user_agent'),
    ipAddress: text('ip_address'),
  },
  (table) => [index('sessions_user_id_idx').on(table.userId), index('sessions_expires_at_idx').on(table.expiresAt)],
);

/** Gateway API keys for programs. Only a SHA-256 of the key is stored; the key is high-entropy. */
export const apiKeys = sqliteTable(
  'api_keys',
  {
    /** The public part of the key (the characters after `gwk_`), used to look it up. */
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    keyHash: text('key_hash').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    lastUsedAt: integer('last_used_at', { mode: 'timestamp_ms' }),
    /**
     * How `/v1/chat/completions` shows the model's reasoning to this key's client: a `reasoning_content` field
     * (default; what most tools read), `<think>` tags in the content (tools that only show content), or not at all.
     */
    reasoningOutput: text('reasoning_output', { enum: ['field', 'think-tags', 'hidden'] })
      .notNull()
      .default('field'),
    // The key's caller policy (`CallerPolicy` of @pag/contracts, docs/cors.md §1),
    // as three columns so the CORS preflight can ask the database for an origin (domain/cors/json-array-contains.ts)
    // without reading every row.
    /** Null: every model of the user; else a JSON array of `provider/model` and `provider/*` patterns. */
    allowedModels: text('allowed_models', { mode: 'json' }).$type<string[]>(),
    /** Never reach a paid API key with this key, whatever the user's fallback setting. */
    subscriptionOnly: integer('subscription_only', { mode: 'boolean' }).notNull().default(false),
    /** JSON array of exact browser origins that may use this key (CORS); empty: none. */
    allowedOrigins: text('allowed_origins', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    /** Routing by the subscription's quota (`RoutingRules`, issue 19); null: no rule. */
    routingRules: text('routing_rules', { mode: 'json' }).$type<RoutingRules>(),
  },
  (table) => [index('api_keys_user_id_idx').on(table.userId)],
);

/** Security-relevant events (sign-ins, key changes, user changes). Never holds secrets. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    action: text('action').notNull(),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull().default(sql`(unixepoch() * 1000)`),
  },
  (table) => [index('audit_log_created_at_idx').on(table.createdAt)],
);

/**
 * Sign-in flows in progress, of every provider (`provider`): ChatGPT's browser, pasted URL and device code, and
 * Google's browser sign-in with the user's own OAuth client. A flow belongs to one gateway user, is consumed at
 * most once (ChatGPT: status moves off `pending` in a single conditional UPDATE; Google: the row is deleted as it
 * is read) and expires. Secrets in it (the PKCE verifier, the device auth id) are vault ciphertexts bound to the
 * row (the context names the provider's table of origin, see domain/vault/encrypted-columns.ts); `state` is
 * stored only as a hash.
 */
export const signInFlows = sqliteTable(
  'sign_in_flows',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['chatgpt', 'google'] }).notNull(),
    method: text('method', { enum: ['browser', 'paste', 'device'] }).notNull(),
    status: text('status', {
      enum: ['pending', 'exchanging', 'completed', 'failed', 'cancelled', 'expired'],
    }).notNull(),
    /** SHA-256 of `state` (browser and paste flows). */
    stateHash: text('state_hash'),
    codeVerifierCiphertext: text('code_verifier_ciphertext'),
    redirectUri: text('redirect_uri'),
    deviceAuthIdCiphertext: text('device_auth_id_ciphertext'),
    userCode: text('user_code'),
    verificationUrl: text('verification_url'),
    pollIntervalSeconds: integer('poll_interval_seconds'),
    lastPolledAt: integer('last_polled_at', { mode: 'timestamp_ms' }),
    /**
     * While `exchanging`: the process exchanging the code for tokens (domain/connections/refresh-lease-owner.ts), so
     * a flow whose process died mid-exchange is failed instead of staying `exchanging` for good.
     */
    exchangeOwner: text('exchange_owner'),
    /** Why the flow failed, in words for the user. */
    failureReason: text('failure_reason'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
    finishedAt: integer('finished_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    index('sign_in_flows_user_id_idx').on(table.userId),
    index('sign_in_flows_expires_at_idx').on(table.expiresAt),
    // Callbacks find their flow by the state's hash (Google's with the user's id beside it).
    index('sign_in_flows_state_idx').on(table.stateHash),
  ],
);

/**
 * Upstream accounts connected by a gateway user, of every provider (`provider`): one ChatGPT account and one
 * Google account per user (unique user + provider): a subscription serves its own owner. Tokens are vault
 * ciphertexts bound to their row and column (the context names the provider's table of origin, see
 * domain/vault/encrypted-columns.ts). Columns only one provider fills are nullable or defaulted.
 */
export const connections = sqliteTable(
  'connections',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['chatgpt', 'google'] }).notNull(),
    method: text('method', { enum: ['browser', 'paste', 'device'] }).notNull(),
    /** The upstream account's stable id: ChatGPT's account id, Google's `sub` (the email can change). */
    accountId: text('account_id').notNull(),
    email: text('email'),
    planType: text('plan_type'),
    upstreamUserId: text('upstream_user_id'),
    /** ChatGPT only: the id token is sent back with each refresh (docs/codex-protocol.md §4). */
    idTokenCiphertext: text('id_token_ciphertext'),
    accessTokenCiphertext: text('access_token_ciphertext').notNull(),
    refreshTokenCiphertext: text('refresh_token_ciphertext').notNull(),
    accessTokenExpiresAt: integer('access_token_expires_at', { mode: 'timestamp_ms' }),
    state: text('state', { enum: ['connected', 'reconnect_required'] }).notNull(),
    /** Why reconnecting is required (refresh_token_reused, …), in words for the user. */
    stateReason: text('state_reason'),
    /** Bumped by every write of the tokens; refreshes compare-and-swap on it across processes. */
    version: integer('version').notNull().default(0),
    /**
     * While set in the future, one process is refreshing; others wait for it instead of refreshing too. Kept a few
     * seconds ahead by the owner's heartbeat while its refresh runs (domain/connections/connection-token-manager.ts).
     */
    refreshLeaseUntil: integer('refresh_lease_until', { mode: 'timestamp_ms' }),
    /**
     * Who holds the lease (domain/connections/refresh-lease-owner.ts: instance, pid, host), so a process that finds
     * its owner dead takes the lease over at once instead of waiting for it to lapse.
     */
    refreshLeaseOwner: text('refresh_lease_owner'),
    /**
     * Set when a lease was taken over from an owner that died mid-refresh, whose outcome is thus unknown; cleared by
     * the next successful refresh. A refresh token then refused as reused was spent by that interrupted refresh.
     */
    refreshInterruptedAt: integer('refresh_interrupted_at', { mode: 'timestamp_ms' }),
    /** Backoff after a transient refresh failure: no new attempt before this. */
    nextRefreshAttemptAt: integer('next_refresh_attempt_at', { mode: 'timestamp_ms' }),
    refreshFailureCount: integer('refresh_failure_count').notNull().default(0),
    connectedAt: integer('connected_at', { mode: 'timestamp_ms' }).notNull(),
    lastRefreshAt: integer('last_refresh_at', { mode: 'timestamp_ms' }),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    /** The latest `x-codex-*` rate-limit snapshot (quota windows), for the UI. Not a secret. */
    rateLimits: text('rate_limits', { mode: 'json' }).$type<Record<string, unknown>>(),
    rateLimitsAt: integer('rate_limits_at', { mode: 'timestamp_ms' }),
    /** Google only: the space-separated scopes the user granted. */
    scopes: text('scopes'),
  },
  (table) => [uniqueIndex('connections_user_provider_idx').on(table.userId, table.provider)],
);

/**
 * API keys a user saved for upstreams (OpenAI-compatible servers, Gemini, Anthropic). One per provider per user; the key is a
 * vault ciphertext bound to its row, and only its last 4 characters are kept in clear for display.
 */
export const apiCredentials = sqliteTable(
  'api_credentials',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    provider: text('provider', { enum: ['openai', 'gemini', 'anthropic'] }).notNull(),
    /** OpenAI-compatible base URL (https://api.openai.com/v1, OpenRouter, Ollama, …); null for Gemini. */
    baseUrl: text('base_url'),
    keyCiphertext: text('key_ciphertext').notNull(),
    keyHint: text('key_hint').notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
    lastValidatedAt: integer('last_validated_at', { mode: 'timestamp_ms' }),
  },
  (table) => [uniqueIndex('api_credentials_user_provider_idx').on(table.userId, table.provider)],
);

/** Per-user routing settings; a missing row means the defaults. */
export const userSettings = sqliteTable('user_settings', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  fallbackToApiKeys: integer('fallback_to_api_keys', { mode: 'boolean' }).notNull().default(false),
  defaultModel: text('default_model'),
  fallbackModel: text('fallback_model'),
  /** JSON list of the API-key providers to fall back to, in order; null means all of them (the default). */
  fallbackProviders: text('fallback_providers', { mode: 'json' }).$type<('openai' | 'gemini' | 'anthropic')[]>(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * What Getting started reads besides the other tables (issue 17): when the user first got an answer in the settings
 * UI's Playground. A row per user once it happened; its own table, so the users table keeps its shape.
 */
export const gettingStartedProgress = sqliteTable('getting_started_progress', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  firstPlaygroundAnswerAt: integer('first_playground_answer_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Settings of the whole gateway that an admin changes in the settings UI (`/api/admin/operator-settings`): at most
 * one row (id 1). A missing row or a null column means the default from the environment (config.ts).
 */
export const operatorSettings = sqliteTable('operator_settings', {
  id: integer('id').primaryKey(),
  /** Users' upstream base URLs may use plain http and private addresses (domain/outbound); null: the default. */
  allowPrivateUpstreams: integer('allow_private_upstreams', { mode: 'boolean' }),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  /** The admin who changed them last; kept when that user is deleted, as the audit log is. */
  updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
});

/** A user's edits to the built-in features (prompt and/or default model); absent rows use the built-ins. */
export const featureOverrides = sqliteTable(
  'feature_overrides',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prompt: text('prompt'),
    model: text('model'),
    /** Routing by the subscription's quota (`RoutingRules`, issue 19); null: no rule. */
    routingRules: text('routing_rules', { mode: 'json' }).$type<RoutingRules>(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.name] })],
);

/**
 * A user's own features (issue 18): named prompts beside the built-in ones, each with an optional default model,
 * reasoning effort and output schema (JSON Schema; the answer is then JSON matching it). Names are slugs, unique
 * per user, never a built-in name.
 */
export const userFeatures = sqliteTable(
  'user_features',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prompt: text('prompt').notNull(),
    model: text('model'),
    reasoningEffort: text('reasoning_effort'),
    outputSchema: text('output_schema', { mode: 'json' }).$type<Record<string, unknown>>(),
    /** Routing by the subscription's quota (`RoutingRules`, issue 19); null: no rule. */
    routingRules: text('routing_rules', { mode: 'json' }).$type<RoutingRules>(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.name] })],
);

/**
 * A user's own Google OAuth client ("Web application" in Google Cloud), used to connect a Google account for the
 * Gemini API. Google's terms and its refusal of consumer accounts rule out borrowing another app's client
 * (docs/google-protocol.md §0), so each user brings theirs. The secret is a vault ciphertext bound to the row.
 */
export const googleOAuthClients = sqliteTable('google_oauth_clients', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  clientId: text('client_id').notNull(),
  clientSecretCiphertext: text('client_secret_ciphertext').notNull(),
  secretHint: text('secret_hint').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * Everything the MCP authorization server (oidc-provider) persists: clients, grants, codes, tokens, interactions,
 * its sessions and signing keys, one row per model instance. The row id is `{kind}:{SHA-256 of the model id}`:
 * for opaque tokens the model id *is* the bearer value, so only its hash is stored, and the payload (which repeats
 * it, and holds client secrets) is a vault ciphertext. The plain columns are what lookups and cascades need.
 */
export const oauthRecords = sqliteTable(
  'oauth_records',
  {
    id: text('id').primaryKey(),
    /** oidc-provider's model name: Client, Grant, AccessToken, RefreshToken, AuthorizationCode, Interaction, … */
    kind: text('kind').notNull(),
    payloadCiphertext: text('payload_ciphertext').notNull(),
    grantId: text('grant_id'),
    /** The gateway user the record belongs to; deleting the user deletes their grants and tokens. */
    userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
    clientId: text('client_id'),
    /** SHA-256 of the session or interaction uid (oidc-provider looks sessions up by it). */
    uidHash: text('uid_hash'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    /** Null for records that do not expire on their own (clients, signing keys). */
    expiresAt: integer('expires_at', { mode: 'timestamp_ms' }),
    consumedAt: integer('consumed_at', { mode: 'timestamp_ms' }),
  },
  (table) => [
    index('oauth_records_grant_idx').on(table.grantId),
    index('oauth_records_user_idx').on(table.userId),
    index('oauth_records_kind_client_idx').on(table.kind, table.clientId),
    index('oauth_records_uid_idx').on(table.uidHash),
    index('oauth_records_expires_idx').on(table.expiresAt),
  ],
);

/**
 * What one connected app (an OAuth client holding scope `ai`) may do for one user: the `CallerPolicy` of
 * `@pag/contracts`, set under Settings → Connected apps. No row: the default (every model, fallback as the user set
 * it, the origins of the client's redirect URIs). Deleted with the app's grant (Disconnect) and with the user.
 */
export const appPolicies = sqliteTable(
  'app_policies',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientId: text('client_id').notNull(),
    /** Null: every model. Otherwise `provider/model` or `provider/*` patterns. */
    allowedModels: text('allowed_models', { mode: 'json' }).$type<string[] | null>(),
    subscriptionOnly: integer('subscription_only', { mode: 'boolean' }).notNull().default(false),
    allowedOrigins: text('allowed_origins', { mode: 'json' }).$type<string[]>().notNull(),
    /** Routing by the subscription's quota (`RoutingRules`, issue 19); null: no rule. */
    routingRules: text('routing_rules', { mode: 'json' }).$type<RoutingRules>(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.clientId] })],
);

/**
 * OAuth clients the operator registered with `gateway app register` (the client itself is an `oauth_records` row).
 * Listed here so the cleanup of abandoned dynamic registrations never removes them: a pre-registered app may wait
 * for its first user for as long as the operator wants.
 */
export const registeredApps = sqliteTable('registered_apps', {
  clientId: text('client_id').primaryKey(),
  name: text('name').notNull(),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
});

/**
 * The usage ledger: one row per request a client made (successes, failures and fallbacks alike), written off the
 * request path in batches and kept for the configured retention. Metadata only — never a prompt or an answer.
 * `api_price_micros` is what the request would have cost at API prices (micro-USD, from the versioned price table
 * named in `price_version`): for a subscription row that is what the subscription saved, for an API-key row real
 * spend. Null when the model has no known price.
 */
export const usageEvents = sqliteTable(
  'usage_events',
  {
    id: text('id').primaryKey(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** How the caller authenticated: `session`, `api-key`, `app` or `mcp`. */
    callerKind: text('caller_kind').notNull(),
    /** The gateway API key's id, or null. */
    apiKeyId: text('api_key_id'),
    /** The connected app's OAuth client id (apps and MCP clients), or null. */
    appClientId: text('app_client_id'),
    /** The public route, e.g. `/api/ai/stream`, `/v1/chat/completions`, `/mcp`. */
    route: text('route').notNull(),
    feature: text('feature'),
    /** The provider and `provider/model` that answered (or failed last); null when no route was found. */
    provider: text('provider'),
    model: text('model'),
    inputTokens: integer('input_tokens'),
    cachedInputTokens: integer('cached_input_tokens'),
    outputTokens: integer('output_tokens'),
    reasoningTokens: integer('reasoning_tokens'),
    /** Time to the first output byte the client got; null for failures before it. */
    firstTokenMs: integer('first_token_ms'),
    durationMs: integer('duration_ms').notNull(),
    /** The HTTP status the client got (200 also for a stream that failed after it started; 499: the client left). */
    status: integer('status').notNull(),
    /** The error code when the answer failed (before or after its first byte), else null. */
    errorCode: text('error_code'),
    /** `provider/model` of the step that failed before this one answered (a fallback), else null. */
    fallbackFrom: text('fallback_from'),
    /** Whether a subscription (not a paid API key) answered. */
    isSubscription: integer('is_subscription', { mode: 'boolean' }).notNull().default(false),
    apiPriceMicros: integer('api_price_micros'),
    priceVersion: text('price_version'),
  },
  (table) => [
    index('usage_events_user_time').on(table.userId, table.createdAt),
    index('usage_events_time').on(table.createdAt),
  ],
);

/**
 * A user's own API prices for models on their OpenAI-compatible endpoint (USD per 1M tokens), used instead of the
 * public price table when pricing that user's `openai` rows (docs/api-prices.md §4). Null cached price: cached input
 * costs what input costs.
 */
export const usageCustomPrices = sqliteTable(
  'usage_custom_prices',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    model: text('model').notNull(),
    inputPerMillion: real('input_per_million').notNull(),
    cachedInputPerMillion: real('cached_input_per_million'),
    outputPerMillion: real('output_per_million').notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.model] })],
);

/**
 * The quota history (issue 19): one row per reading of the subscription's usage windows from its usage endpoint
 * (docs/codex-protocol.md §7.4), for the usage page's chart. Small (a reading every few minutes at most while
 * someone looks or routes), pruned by the cleanup scheduler after `QUOTA_HISTORY_RETENTION_MS`.
 */
export const quotaSnapshots = sqliteTable(
  'quota_snapshots',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    observedAt: integer('observed_at', { mode: 'timestamp_ms' }).notNull(),
    source: text('source', { enum: ['usage-endpoint', 'headers'] }).notNull(),
    fiveHourUsedPercent: real('five_hour_used_percent'),
    weeklyUsedPercent: real('weekly_used_percent'),
  },
  (table) => [index('quota_snapshots_user_time').on(table.userId, table.observedAt)],
);

/**
 * A user's model aliases (issue 20, docs/anthropic-protocol.md §9): names clients hard-code (`claude-sonnet-*`) and the
 * gateway model each stands for, resolved before the router. `position` keeps the order the user gave.
 */
export const modelAliases = sqliteTable(
  'model_aliases',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    pattern: text('pattern').notNull(),
    target: text('target').notNull(),
    position: integer('position').notNull(),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.userId, table.pattern] })],
);

// ---- State the replicas of one gateway share (issue 21, docs/postgres.md §4) ----
// Kept here rather than in each process's memory so that two processes on one database agree; on a single SQLite
// process they cost a write or two where a Map cost nothing, only on the rare paths that use them (sign-in attempts,
// the OAuth endpoints, cleanup).

/**
 * Fixed-window request counters of the routes' rate limits (@fastify/rate-limit's store): one row per route and
 * client key, counted with one upsert, so every replica sees every attempt.
 */
export const rateLimitCounters = sqliteTable(
  'rate_limit_counters',
  {
    key: text('key').primaryKey(),
    count: integer('count').notNull(),
    windowStartedAt: integer('window_started_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('rate_limit_counters_window').on(table.windowStartedAt)],
);

/** Failed sign-ins per account (the login throttle's sliding window), whatever address or replica they reach. */
export const signInFailures = sqliteTable(
  'sign_in_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The account's lower-cased email. */
    account: text('account').notNull(),
    failedAt: integer('failed_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (table) => [index('sign_in_failures_account_time').on(table.account, table.failedAt)],
);

/**
 * Work one replica at a time should do (the cleanup pass, polling one device sign-in): the holder renews its lease
 * before `expiresAt`; when it stops (a crash), another takes the lease once it has expired.
 */
export const leases = sqliteTable('leases', {
  name: text('name').primaryKey(),
  owner: text('owner').notNull(),
  expiresAt: integer('expires_at', { mode: 'timestamp_ms' }).notNull(),
});

/** Facts about the database itself, e.g. the id of the encryption key every replica must have. */
export const gatewayMeta = sqliteTable('gateway_meta', {
  name: text('name').primaryKey(),
  value: text('value').notNull(),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
});
