import { z } from 'zod';

/**
 * `PUT /api/connections/google/client` (session + CSRF): the user's own Google OAuth client ("Web application" in
 * Google Cloud → APIs & Services → Credentials), whose authorized redirect URI is the `redirectUri` the gateway
 * shows.
 */
export const saveGoogleClientRequestSchema = z.object({
  clientId: z
    .string()
    .trim()
    .min(1, { message: 'is required' })
    .max(300)
    .regex(/^[\w.-]+$/, { message: 'must look like 1234-abc.apps.googleusercontent.com (no spaces)' }),
  clientSecret: z.string().trim().min(1, { message: 'is required' }).max(300),
});
export type SaveGoogleClientRequest = z.infer<typeof saveGoogleClientRequestSchema>;

/** The Google account connected for the Gemini API. */
export const googleConnectionSchema = z.object({
  email: z.string().nullable(),
  state: z.enum(['connected', 'reconnect_required']),
  /** Why a reconnect is needed, in words, with what to do. */
  stateMessage: z.string().nullable(),
  scopes: z.array(z.string()),
  connectedAt: z.string().describe('ISO 8601'),
  lastRefreshAt: z.string().nullable().describe('ISO 8601'),
});
export type GoogleConnection = z.infer<typeof googleConnectionSchema>;

/** `GET /api/connections/google` (session): the saved client (secret masked), the connection, the redirect URI. */
export const googleStatusSchema = z.object({
  /** Register exactly this as an authorized redirect URI on the OAuth client. */
  redirectUri: z.string(),
  client: z
    .object({
      clientId: z.string(),
      /** The last 4 characters of the secret. */
      secretHint: z.string(),
      updatedAt: z.string(),
    })
    .nullable(),
  connection: googleConnectionSchema.nullable(),
});
export type GoogleStatus = z.infer<typeof googleStatusSchema>;

/** `POST /api/connections/google/sign-in` (session + CSRF): open `authorizeUrl` in the browser. */
export const googleSignInSchema = z.object({ authorizeUrl: z.string(), expiresAt: z.string() });
export type GoogleSignIn = z.infer<typeof googleSignInSchema>;
