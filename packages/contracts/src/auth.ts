import { z } from 'zod';

/** Shortest password the gateway accepts for its own users. */
export const PASSWORD_MIN_LENGTH = 12;
/** Longest password accepted; bounds the hashing work an attacker can ask for. */
export const PASSWORD_MAX_LENGTH = 1024;

/** Name of the request header that carries the CSRF token on cookie-authenticated writes. */
export const CSRF_HEADER = 'x-csrf-token';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be a valid email address' }).max(254));

export const passwordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { message: `must be at least ${PASSWORD_MIN_LENGTH} characters` })
  .max(PASSWORD_MAX_LENGTH, { message: `must be at most ${PASSWORD_MAX_LENGTH} characters` })
  // A line break, tab or escape in a password is almost always a paste or a pipe gone wrong (issue 16), and no one
  // could type it again at a sign-in form.
  .regex(/^\P{Cc}*$/u, {
    message: 'must not contain control characters (such as a line break, a tab or an escape sequence)',
  });

/** A gateway user as the API shows it. */
export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  isAdmin: z.boolean(),
  createdAt: z.string().describe('ISO 8601'),
});
export type User = z.infer<typeof userSchema>;

/** `GET /api/auth/session` (public): who is signed in, the CSRF token for writes, and whether setup is pending. */
export const sessionStateSchema = z.object({
  /** True while no user exists: the UI sends the visitor to the setup page. */
  setupRequired: z.boolean(),
  user: userSchema.nullable(),
  /** Send back in the `x-csrf-token` header on every cookie-authenticated POST/PUT/PATCH/DELETE. */
  csrfToken: z.string().nullable(),
});
export type SessionState = z.infer<typeof sessionStateSchema>;

/** `POST /api/auth/setup` (public, needs the one-time token the server logged at first start). */
export const setupRequestSchema = z.object({
  token: z.string().min(1, { message: 'is required (copy it from the setup link in the server log)' }),
  email: emailSchema,
  password: passwordSchema,
});
export type SetupRequest = z.infer<typeof setupRequestSchema>;

/** The answer to setup (201): the new admin, already signed in (the session cookie is set), and its CSRF token. */
export const setupResponseSchema = z.object({ user: userSchema, csrfToken: z.string() });
export type SetupResponse = z.infer<typeof setupResponseSchema>;

/** `POST /api/auth/login` (public). Answers 200 with a {@link SessionState} and sets the session cookie. */
export const loginRequestSchema = z.object({
  email: emailSchema,
  // Length is not checked here: a wrong password of any length is just a wrong password (401), not a 400.
  password: z.string().min(1, { message: 'is required' }).max(PASSWORD_MAX_LENGTH),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;
