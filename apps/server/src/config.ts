import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { originSchema } from '@pag/contracts';
import { z } from 'zod';
import type { DatabaseLocation } from './db/open-database.ts';
import { CODEX_CLIENT_VERSION } from './domain/gateway-identity.ts';
import { SERVER_DIRECTORY } from './server-directory.ts';

/**
 * The gateway's configuration, read from the environment exactly once at startup. This file is the only place
 * that may read `process.env` (enforced by the linter), so every setting is validated and documented here and
 * in `.env.example`.
 */
export type Config = Readonly<{
  host: string;
  port: number;
  publicUrl: URL;
  /** True when the public URL is https: cookies get `Secure`, responses get HSTS. */
  isHttps: boolean;
  dataDir: string;
  /** The SQLite file in the data dir (used when `database` is SQLite; `sqlite:` alone names it, as in `db copy`). */
  databaseFile: string;
  /** `GATEWAY_DATABASE_URL` resolved: SQLite (the default) or PostgreSQL (docs/postgres.md). */
  database: DatabaseLocation;
  /** 32-byte master key from `GATEWAY_ENCRYPTION_KEY`, or null to use the generated key file in the data dir. */
  encryptionKey: Buffer | null;
  logLevel: LogLevel;
  trustProxy: boolean | number | string[];
  sessionIdleMs: number;
  sessionMaxMs: number;
  webDir: string;
  /** The vault's key file inside the data dir (used unless `GATEWAY_ENCRYPTION_KEY` is set). */
  keyFilePath: string;
  /** Base of every auth.openai.com endpoint, without a trailing slash. */
  openaiAuthUrl: string;
  /** Redirect URI of browser and paste sign-in; must be byte-identical at authorize and exchange. */
  codexRedirectUri: string;
  /**
   * Whether browser sign-in can receive OpenAI's redirect on the loopback port: `auto` decides from where the gateway
   * runs (a container, a public URL on another host), `on` and `off` say so outright (docker-compose.yml sets off).
   */
  browserSignIn: 'auto' | 'on' | 'off';
  /** The gateway runs in a container (Docker's /.dockerenv, Podman's /run/.containerenv): its loopback is its own. */
  runsInContainer: boolean;
  /** Refresh a ChatGPT access token when it expires within this many milliseconds. */
  codexRefreshWindowMs: number;
  /** ChatGPT backend base; model calls go to `{it}/codex/responses`, the catalogue to `{it}/codex/models`. */
  chatgptBackendUrl: string;
  /**
   * The Codex CLI version we send as `client_version`: the backend's catalogue leaves out models newer than the
   * client that asks (docs/codex-protocol.md §5.6).
   */
  codexClientVersion: string;
  /**
   * The longest a client waits for an upstream answer to begin (its response headers; for a non-streamed answer
   * that is when it is complete), retries included; the answer then has its own idle limit.
   */
  upstreamFirstByteTimeoutMs: number;
  /** The longest opening a connection to an upstream may take (TCP and TLS). */
  upstreamConnectTimeoutMs: number;
  /**
   * The longest an upstream answer may stay silent once it has begun (between two pieces of its body); past it the
   * upstream is cut off and the client gets `upstream_timeout`.
   */
  upstreamIdleTimeoutMs: number;
  /** Gemini API base (generativelanguage.googleapis.com). */
  geminiApiUrl: string;
  /** `GATEWAY_ANTHROPIC_API_URL`: the Anthropic API host (its fake in tests); requests go to `/v1/…`. */
  anthropicApiUrl: string;
  /** Google OAuth authorize and token endpoints (for Google accounts connected with the user's own client). */
  googleAuthUrl: string;
  googleTokenUrl: string;
  googleRevokeUrl: string;
  /** The MCP endpoint's canonical URL (`{public URL}/mcp`): the audience of every token the OAuth server issues. */
  mcpResourceUrl: string;
  /** The AI APIs' OAuth resource (`{public origin}`): audience of connected apps' `ai` tokens (docs/app-connect.md §2). */
  aiResourceUrl: string;
  /** The MCP authorization server's issuer (`{public URL}/oauth`), byte-identical everywhere it appears. */
  oauthIssuer: string;
  /** Lifetime of MCP access tokens, in seconds. */
  oauthAccessTokenTtlSeconds: number;
  /** Lifetime of an MCP refresh token (each use rotates it and starts a new one), in seconds. */
  oauthRefreshTokenTtlSeconds: number;
  /** Upper bound on dynamically registered MCP clients; unused ones are collected first. */
  oauthMaxClients: number;
  /**
   * Whether users' upstream base URLs may use plain http and private addresses until an admin decides otherwise in
   * the operator settings (domain/outbound): the default only, the database's setting wins once saved.
   */
  allowPrivateUpstreams: boolean;
  /**
   * How long a note-app stream's upstream keeps running while no client reads it (docs/note-app-api.md, "Resuming a
   * stream"); then it is aborted. 0: at once, as before streams were resumable.
   */
  streamResumeGraceMs: number;
  /** How long an ended note-app stream can still be resumed. */
  streamRetentionMs: number;
  /** How long usage-ledger rows are kept before the cleanup scheduler deletes them. */
  usageRetentionMs: number;
  /** Past this many bytes of events a note-app stream stops being resumable (its live client is unaffected). */
  streamMaxBytes: number;
  /** Every note-app stream's events together: ended ones are dropped first, then the growing one stops resuming. */
  streamTotalMaxBytes: number;
  /**
   * Browser origins the operator allows for every credential (CORS on `/api/ai/*`, `/v1/*`, `/api/openapi.json`),
   * on top of each key's or app's own allowed origins. Exact origins; empty by default: no browser origin at all.
   */
  corsOrigins: readonly string[];
  /**
   * How `/mcp` keeps MCP sessions: `memory` (Streamable HTTP sessions held by this process, with the notification
   * stream) or `stateless` (every POST stands alone, so any replica behind a load balancer can answer it; no GET
   * stream). Default: memory on SQLite, stateless on PostgreSQL (docs/postgres.md §4).
   */
  mcpSessions: 'memory' | 'stateless';
  /**
   * Bearer token a Prometheus scraper presents on `GET /metrics` (compared in constant time); null: only callers on
   * the gateway host, not through a proxy, may scrape (docs/metrics.md).
   */
  metricsToken: string | null;
  /**
   * `OTEL_EXPORTER_OTLP_ENDPOINT`, the standard OpenTelemetry variable: traces go to `{it}/v1/traces` (OTLP over
   * HTTP). Null: tracing is off and no OpenTelemetry code is even loaded (docs/metrics.md).
   */
  otlpEndpoint: string | null;
}>;

export type LogLevel = z.infer<typeof logLevelSchema>;

const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

const DEFAULT_WEB_DIR = join(SERVER_DIRECTORY, '../web/dist');

const optional = (value: string | undefined) => (value == null || value.trim() === '' ? undefined : value.trim());

const portSchema = z
  .string()
  .regex(/^\d+$/, { message: 'must be an integer between 0 and 65535' })
  .transform(Number)
  .pipe(z.number().int().min(0, 'must be between 0 and 65535').max(65535, 'must be between 0 and 65535'));

const hoursSchema = z
  .string()
  .regex(/^\d+(\.\d+)?$/, { message: 'must be a positive number of hours' })
  .transform(Number)
  .pipe(
    z
      .number()
      .positive('must be a positive number of hours')
      .max(24 * 366, 'must be at most a year'),
  );

const encryptionKeySchema = z.string().transform((value, context) => {
  const key = decodeKey(value);
  if (key == null) {
    context.addIssue({
      code: 'custom',
      message: 'must be 32 random bytes, base64 (openssl rand -base64 32) or 64 hex characters',
    });
    return z.NEVER;
  }
  return key;
});

const trustProxySchema = z.string().transform((value, context) => {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const addresses = value.split(',').map((part) => part.trim());
  if (addresses.every((part) => /^[0-9a-fA-F:.]+(\/\d+)?$/.test(part))) return addresses;
  context.addIssue({ code: 'custom', message: 'must be true, false, a hop count, or a comma list of addresses' });
  return z.NEVER;
});

const originListSchema = z.string().transform((value, context) => {
  const origins = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  for (const origin of origins) {
    const parsed = originSchema.safeParse(origin);
    if (!parsed.success) {
      context.addIssue({
        code: 'custom',
        message: `must be a comma-separated list of exact origins such as https://notes.example.com,http://localhost:5173 (scheme, host and port; no path, no wildcard): "${origin}" is not one`,
      });
      return z.NEVER;
    }
  }
  return [...new Set(origins)];
});

function httpUrl(defaultValue: string) {
  return z
    .url({ protocol: /^https?$/, message: `must be an absolute http(s) URL such as ${defaultValue}` })
    .default(defaultValue)
    .transform((value) => value.replace(/\/+$/, ''));
}

const environmentSchema = z.object({
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_PORT: portSchema.default(8787),
  GATEWAY_PUBLIC_URL: z
    .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL such as https://gateway.example.com' })
    .optional(),
  GATEWAY_DATA_DIR: z.string().min(1).default('./data'),
  GATEWAY_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, {
      message: 'must be sqlite:<file> (or empty, the data dir) or postgres://user:password@host:port/database',
    })
    .optional(),
  GATEWAY_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  GATEWAY_ENCRYPTION_KEY: encryptionKeySchema.optional(),
  GATEWAY_LOG_LEVEL: logLevelSchema.default('info'),
  GATEWAY_TRUST_PROXY: trustProxySchema.default(false),
  GATEWAY_SESSION_IDLE_HOURS: hoursSchema.default(168),
  GATEWAY_SESSION_MAX_HOURS: hoursSchema.default(720),
  GATEWAY_WEB_DIR: z.string().min(1).optional(),
  GATEWAY_OPENAI_AUTH_URL: z
    .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL such as https://auth.openai.com' })
    .default('https://auth.openai.com'),
  GATEWAY_CODEX_REDIRECT_URI: z
    .url({ message: 'must be an absolute URL' })
    .refine(isLoopbackCallback, {
      message: 'must be http://127.0.0.1:<port>/auth/callback or http://localhost:<port>/auth/callback',
    })
    .default('http://127.0.0.1:1455/auth/callback'),
  GATEWAY_BROWSER_SIGN_IN: z.enum(['auto', 'on', 'off'], { message: 'must be auto, on or off' }).default('auto'),
  GATEWAY_CHATGPT_BACKEND_URL: httpUrl('https://chatgpt.com/backend-api'),
  GATEWAY_CODEX_CLIENT_VERSION: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, { message: 'must be a Codex CLI version such as 0.169.0' })
    .default(CODEX_CLIENT_VERSION),
  GATEWAY_UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS: boundedNumber({ min: 1, max: 600, unit: 'seconds' }).default(120),
  GATEWAY_UPSTREAM_CONNECT_TIMEOUT_SECONDS: boundedNumber({ min: 1, max: 120, unit: 'seconds' }).default(10),
  GATEWAY_UPSTREAM_IDLE_TIMEOUT_SECONDS: boundedNumber({ min: 1, max: 3600, unit: 'seconds' }).default(120),
  GATEWAY_GEMINI_API_URL: httpUrl('https://generativelanguage.googleapis.com'),
  GATEWAY_ANTHROPIC_API_URL: httpUrl('https://api.anthropic.com'),
  GATEWAY_GOOGLE_AUTH_URL: httpUrl('https://accounts.google.com/o/oauth2/v2/auth'),
  GATEWAY_GOOGLE_TOKEN_URL: httpUrl('https://oauth2.googleapis.com/token'),
  GATEWAY_GOOGLE_REVOKE_URL: httpUrl('https://oauth2.googleapis.com/revoke'),
  GATEWAY_CODEX_REFRESH_WINDOW_MINUTES: z
    .string()
    .regex(/^\d+(\.\d+)?$/, { message: 'must be a number of minutes' })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(0)
        .max(24 * 60, 'must be at most a day'),
    )
    .default(5),
  GATEWAY_OAUTH_ACCESS_TOKEN_MINUTES: boundedNumber({ min: 5, max: 24 * 60, unit: 'minutes' }).default(60),
  GATEWAY_OAUTH_REFRESH_TOKEN_DAYS: boundedNumber({ min: 1, max: 365, unit: 'days' }).default(30),
  GATEWAY_OAUTH_MAX_CLIENTS: boundedNumber({ min: 1, max: 100_000, unit: 'clients' }).default(500),
  GATEWAY_ALLOW_PRIVATE_UPSTREAMS: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .transform((value) => value === 'true')
    .default(false),
  GATEWAY_USAGE_RETENTION_DAYS: boundedNumber({ min: 1, max: 3650, unit: 'days' }).default(90),
  GATEWAY_STREAM_RESUME_GRACE_SECONDS: boundedNumber({ min: 0, max: 3600, unit: 'seconds' }).default(30),
  GATEWAY_STREAM_RETENTION_SECONDS: boundedNumber({ min: 0, max: 24 * 60 * 60, unit: 'seconds' }).default(300),
  GATEWAY_STREAM_MAX_MIB: boundedNumber({ min: 1, max: 1024, unit: 'MiB' }).default(4),
  GATEWAY_STREAM_TOTAL_MAX_MIB: boundedNumber({ min: 1, max: 64 * 1024, unit: 'MiB' }).default(256),
  GATEWAY_CORS_ORIGINS: originListSchema.default([]),
  GATEWAY_MCP_SESSIONS: z.enum(['memory', 'stateless']).optional(),
  GATEWAY_METRICS_TOKEN: z
    .string()
    .min(32, { message: 'must be at least 32 characters (openssl rand -hex 32)' })
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL such as http://localhost:4318' })
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
});

function boundedNumber(options: { min: number; max: number; unit: string }) {
  const message = `must be a whole number of ${options.unit} between ${options.min} and ${options.max}`;
  return z
    .string()
    .regex(/^\d+$/, { message })
    .transform(Number)
    .pipe(z.number().int().min(options.min, message).max(options.max, message));
}

function isLoopbackCallback(value: string): boolean {
  const url = new URL(value);
  return (
    url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname) && url.pathname === '/auth/callback'
  );
}

/** Variables whose value an error message never repeats. */
const SECRET_VARIABLES = new Set(['GATEWAY_ENCRYPTION_KEY', 'GATEWAY_METRICS_TOKEN']);

/** Raised for an invalid environment; `main.ts` prints the message and exits without a stack trace. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Validates the environment and returns the frozen config. Throws a {@link ConfigError} whose message names
 * every offending variable, what it must be, and the value it had (never for secrets).
 */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): Config {
  const input = Object.fromEntries(
    Object.keys(environmentSchema.shape).map((name) => [name, optional(environment[name])]),
  );
  const parsed = environmentSchema.safeParse(input);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const shown = SECRET_VARIABLES.has(name) ? '' : ` (got ${JSON.stringify(input[name])})`;
      return `  ${name} ${issue.message}${shown}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = parsed.data;
  if (env.GATEWAY_SESSION_IDLE_HOURS > env.GATEWAY_SESSION_MAX_HOURS) {
    throw new ConfigError(
      'Invalid configuration:\n  GATEWAY_SESSION_IDLE_HOURS must not exceed GATEWAY_SESSION_MAX_HOURS',
    );
  }
  if (env.GATEWAY_STREAM_MAX_MIB > env.GATEWAY_STREAM_TOTAL_MAX_MIB) {
    throw new ConfigError(
      'Invalid configuration:\n  GATEWAY_STREAM_MAX_MIB must not exceed GATEWAY_STREAM_TOTAL_MAX_MIB',
    );
  }
  const publicUrl = new URL(env.GATEWAY_PUBLIC_URL ?? `http://localhost:${env.GATEWAY_PORT}`);
  const dataDir = isAbsolute(env.GATEWAY_DATA_DIR) ? env.GATEWAY_DATA_DIR : resolve(cwd, env.GATEWAY_DATA_DIR);
  const hour = 60 * 60 * 1000;
  const databaseFile = resolve(dataDir, 'gateway.db');
  const database = resolveDatabaseLocation(env.GATEWAY_DATABASE_URL, {
    cwd,
    databaseFile,
    poolSize: env.GATEWAY_DATABASE_POOL_SIZE,
  });
  if (database.kind === 'postgres' && env.GATEWAY_ENCRYPTION_KEY == null) {
    throw new ConfigError(
      'Invalid configuration:\n  GATEWAY_ENCRYPTION_KEY is required with a PostgreSQL GATEWAY_DATABASE_URL: every replica must decrypt with the same key (docs/postgres.md)',
    );
  }
  return Object.freeze({
    host: env.GATEWAY_HOST,
    port: env.GATEWAY_PORT,
    publicUrl,
    isHttps: publicUrl.protocol === 'https:',
    dataDir,
    databaseFile,
    database,
    encryptionKey: env.GATEWAY_ENCRYPTION_KEY ?? null,
    logLevel: env.GATEWAY_LOG_LEVEL,
    trustProxy: env.GATEWAY_TRUST_PROXY,
    sessionIdleMs: env.GATEWAY_SESSION_IDLE_HOURS * hour,
    sessionMaxMs: env.GATEWAY_SESSION_MAX_HOURS * hour,
    webDir: env.GATEWAY_WEB_DIR == null ? DEFAULT_WEB_DIR : resolve(cwd, env.GATEWAY_WEB_DIR),
    keyFilePath: resolve(dataDir, 'encryption.key'),
    openaiAuthUrl: env.GATEWAY_OPENAI_AUTH_URL.replace(/\/+$/, ''),
    codexRedirectUri: env.GATEWAY_CODEX_REDIRECT_URI,
    browserSignIn: env.GATEWAY_BROWSER_SIGN_IN,
    runsInContainer: CONTAINER_MARKERS.some((path) => existsSync(path)),
    codexRefreshWindowMs: env.GATEWAY_CODEX_REFRESH_WINDOW_MINUTES * 60_000,
    chatgptBackendUrl: env.GATEWAY_CHATGPT_BACKEND_URL,
    codexClientVersion: env.GATEWAY_CODEX_CLIENT_VERSION,
    upstreamFirstByteTimeoutMs: env.GATEWAY_UPSTREAM_FIRST_BYTE_TIMEOUT_SECONDS * 1000,
    upstreamConnectTimeoutMs: env.GATEWAY_UPSTREAM_CONNECT_TIMEOUT_SECONDS * 1000,
    upstreamIdleTimeoutMs: env.GATEWAY_UPSTREAM_IDLE_TIMEOUT_SECONDS * 1000,
    geminiApiUrl: env.GATEWAY_GEMINI_API_URL,
    anthropicApiUrl: env.GATEWAY_ANTHROPIC_API_URL,
    googleAuthUrl: env.GATEWAY_GOOGLE_AUTH_URL,
    googleTokenUrl: env.GATEWAY_GOOGLE_TOKEN_URL,
    googleRevokeUrl: env.GATEWAY_GOOGLE_REVOKE_URL,
    // Built from the origin only, so neither identifier gains a trailing slash or loses its path
    // (see docs/mcp-oauth.md §0).
    mcpResourceUrl: `${publicUrl.origin}/mcp`,
    aiResourceUrl: publicUrl.origin,
    oauthIssuer: `${publicUrl.origin}/oauth`,
    oauthAccessTokenTtlSeconds: env.GATEWAY_OAUTH_ACCESS_TOKEN_MINUTES * 60,
    oauthRefreshTokenTtlSeconds: env.GATEWAY_OAUTH_REFRESH_TOKEN_DAYS * 24 * 60 * 60,
    oauthMaxClients: env.GATEWAY_OAUTH_MAX_CLIENTS,
    allowPrivateUpstreams: env.GATEWAY_ALLOW_PRIVATE_UPSTREAMS,
    streamResumeGraceMs: env.GATEWAY_STREAM_RESUME_GRACE_SECONDS * 1000,
    streamRetentionMs: env.GATEWAY_STREAM_RETENTION_SECONDS * 1000,
    usageRetentionMs: env.GATEWAY_USAGE_RETENTION_DAYS * 24 * 60 * 60 * 1000,
    streamMaxBytes: env.GATEWAY_STREAM_MAX_MIB * 1024 * 1024,
    streamTotalMaxBytes: env.GATEWAY_STREAM_TOTAL_MAX_MIB * 1024 * 1024,
    corsOrigins: Object.freeze(env.GATEWAY_CORS_ORIGINS),
    mcpSessions: env.GATEWAY_MCP_SESSIONS ?? (database.kind === 'postgres' ? 'stateless' : 'memory'),
    metricsToken: env.GATEWAY_METRICS_TOKEN ?? null,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT ?? null,
  });
}

/** Files container runtimes put in every container's root (Docker, Podman). */
const CONTAINER_MARKERS = ['/.dockerenv', '/run/.containerenv'];

function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return null;
  const key = Buffer.from(value, 'base64');
  return key.length === 32 ? key : null;
}

/**
 * `GATEWAY_DATABASE_URL`: unset or `sqlite:` is the data dir's gateway.db; `sqlite:<path>` another file (relative to
 * the working directory); `postgres://…` PostgreSQL with a pool of `GATEWAY_DATABASE_POOL_SIZE` connections.
 */
export function resolveDatabaseLocation(
  url: string | undefined,
  options: { cwd: string; databaseFile: string; poolSize: number },
): DatabaseLocation {
  if (url === undefined || url === '' || url === 'sqlite:') return { kind: 'sqlite', file: options.databaseFile };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    return { kind: 'sqlite', file: file === ':memory:' || isAbsolute(file) ? file : resolve(options.cwd, file) };
  }
  return { kind: 'postgres', url, poolSize: options.poolSize };
}
