import { z } from 'zod';

/** How a connection was signed in. */
export const signInMethodSchema = z.enum(['browser', 'paste', 'device']);
export type SignInMethod = z.infer<typeof signInMethodSchema>;

/** One usage window of the subscription (primary: about 5 hours; secondary: a week), as the backend last reported. */
export const rateLimitWindowSchema = z.object({
  usedPercent: z.number().nullable(),
  windowMinutes: z.number().nullable(),
  resetsAt: z.string().nullable().describe('ISO 8601'),
});

/** The subscription's limits as the Codex backend reported them on the last answer (`x-codex-*` headers). */
export const rateLimitSnapshotSchema = z.object({
  primary: rateLimitWindowSchema.nullable(),
  secondary: rateLimitWindowSchema.nullable(),
  planType: z.string().nullable(),
  /** When the snapshot was taken (the last answer through this connection). */
  observedAt: z.string().describe('ISO 8601'),
});
export type RateLimitSnapshotDto = z.infer<typeof rateLimitSnapshotSchema>;

/**
 * Which upstream account a connection is: `chatgpt` (the subscription) or `google` (a Google account connected with
 * the user's own OAuth client, used for Gemini when no Gemini API key is saved).
 */
export const connectionProviderSchema = z.enum(['chatgpt', 'google']);
export type ConnectionProvider = z.infer<typeof connectionProviderSchema>;

/**
 * A connected upstream account as the UI shows it. `state: reconnect_required` means the stored refresh token can
 * no longer be used (reused, expired, revoked): the user must sign in again; `stateReason` says why.
 */
export const connectionSchema = z.object({
  id: z.string(),
  provider: connectionProviderSchema,
  /** Google accounts are always `browser` (the browser comes back to the gateway's public callback). */
  method: signInMethodSchema,
  email: z.string().nullable(),
  /** ChatGPT plan as the tokens state it: plus, pro, team, …; null for Google. */
  planType: z.string().nullable(),
  /** The upstream account id (ChatGPT account id, Google `sub`) with all but its last 4 characters hidden. */
  accountIdMasked: z.string(),
  state: z.enum(['connected', 'reconnect_required']),
  /**
   * Machine-readable reason. ChatGPT: refresh_token_reused, refresh_token_expired, refresh_token_invalidated,
   * unauthorized. Google: invalid_grant (sign-in revoked or expired), invalid_client (the OAuth client was refused).
   */
  stateReason: z.string().nullable(),
  /** The reason in words, with what to do. */
  stateMessage: z.string().nullable(),
  connectedAt: z.string().describe('ISO 8601'),
  accessTokenExpiresAt: z.string().nullable().describe('ISO 8601'),
  lastRefreshAt: z.string().nullable().describe('ISO 8601'),
  /** Null until the first answer through this connection; always null for Google (Gemini reports no plan limits). */
  rateLimits: rateLimitSnapshotSchema.nullable(),
});
export type Connection = z.infer<typeof connectionSchema>;

/** `GET /api/connections` (session). */
export const connectionListSchema = z.object({ connections: z.array(connectionSchema) });
export type ConnectionList = z.infer<typeof connectionListSchema>;

/** `POST /api/connections/chatgpt/sign-in` (session + CSRF). */
export const startSignInRequestSchema = z.object({ method: signInMethodSchema });
export type StartSignInRequest = z.infer<typeof startSignInRequestSchema>;

/**
 * A sign-in in progress. Browser and paste flows carry the `authorizeUrl` to open; device flows carry the
 * `userCode` to type at `verificationUrl`. Poll `GET /api/connections/chatgpt/sign-in/:id` until `status` leaves
 * `pending`.
 */
export const signInFlowSchema = z.object({
  id: z.string(),
  method: signInMethodSchema,
  status: z.enum(['pending', 'exchanging', 'completed', 'failed', 'cancelled', 'expired']),
  authorizeUrl: z.string().nullable(),
  /** Browser flows: where the gateway listens for the redirect (the loopback callback). */
  redirectUri: z.string().nullable(),
  userCode: z.string().nullable(),
  verificationUrl: z.string().nullable(),
  pollIntervalSeconds: z.number().nullable(),
  expiresAt: z.string().describe('ISO 8601'),
  failureReason: z.string().nullable(),
});
export type SignInFlow = z.infer<typeof signInFlowSchema>;

/** `POST /api/connections/chatgpt/sign-in/:id/complete` (session + CSRF): what the user pasted. */
export const completeSignInRequestSchema = z.object({
  input: z
    .string()
    .min(1, { message: 'is required: paste the address your browser showed after signing in' })
    .max(8192, { message: 'is too long to be a sign-in address' }),
});
export type CompleteSignInRequest = z.infer<typeof completeSignInRequestSchema>;

/**
 * `GET /api/connections/chatgpt/sign-in-options`: which sign-in the gateway recommends from what it knows about
 * where it runs. Browser sign-in needs OpenAI's redirect to reach the gateway's loopback port (1455) from the
 * user's browser: not from another machine, and not into a container whose port is not published. Every method is
 * always offered; `browser.reason` says in words why browser sign-in would not come back here.
 */
export const signInOptionsSchema = z.object({
  recommended: signInMethodSchema,
  browser: z.object({
    /** True when the redirect can reach the gateway's callback port (the page must also be on the same machine). */
    isAvailable: z.boolean(),
    /** Why not, as one sentence; null when it is available. */
    reason: z.string().nullable(),
  }),
  /** The gateway found it runs in a container (Docker, Podman). */
  runsInContainer: z.boolean(),
});
export type SignInOptions = z.infer<typeof signInOptionsSchema>;
