import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodexOAuthError } from './codex/codex-oauth-error.ts';
import { CallbackInputError, parseCodexCallbackInput } from './codex/parse-codex-callback-input.ts';
import { readCodexTokenClaims } from './codex/read-codex-token-claims.ts';
import { GoogleOAuthError } from './google/google-oauth-error.ts';
import { parseGoogleCallback } from './google/parse-google-callback.ts';
import { readGoogleIdTokenClaims } from './google/read-google-id-token-claims.ts';

// Issue 16: property-based fuzzing. FUZZ_RUNS raises or lowers the count; fast-check prints the seed and path of a
// failure, and FUZZ_SEED replays it.
const FUZZ = { numRuns: Number(process.env.FUZZ_RUNS ?? 1000), ...seedFromEnvironment() };

function seedFromEnvironment(): { seed?: number } {
  return process.env.FUZZ_SEED == null ? {} : { seed: Number(process.env.FUZZ_SEED) };
}

/** Runs `read` and hands back its error if it threw one of `allowed`; anything else fails the property. */
function outcomeOf<T>(read: () => T, ...allowed: (abstract new (...args: never[]) => Error)[]): T | Error {
  try {
    return read();
  } catch (error) {
    if (allowed.some((type) => error instanceof type)) return error as Error;
    throw error;
  }
}

const base64url = (value: string) => Buffer.from(value).toString('base64url');
const AUTH_CLAIM = 'https://api.openai.com/auth';

// Claim values of every JSON type, including numbers JSON.parse turns into Infinity (`1e400`).
const claimValue = fc.oneof(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }), fc.constant('__INFINITY__'));
const payload = fc.dictionary(
  fc.constantFrom('exp', 'iat', 'sub', 'email', 'email_verified', 'name', AUTH_CLAIM, 'https://api.openai.com/profile'),
  fc.oneof(claimValue, fc.dictionary(fc.constantFrom('chatgpt_account_id', 'chatgpt_plan_type', 'email'), claimValue)),
);
const jwt = fc.oneof(
  payload.map(
    (claims) =>
      `${base64url('{"alg":"none"}')}.${base64url(JSON.stringify(claims).replaceAll('"__INFINITY__"', '1e400'))}.sig`,
  ),
  fc.string({ maxLength: 40 }),
);

const callbackText = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc
    .record({
      prefix: fc.constantFrom(
        'http://127.0.0.1:1455/auth/callback?',
        'https://x/oauth/authorize?',
        '?',
        '',
        'http://[',
      ),
      code: fc.option(fc.string({ maxLength: 20 })),
      state: fc.option(fc.string({ maxLength: 20 })),
      error: fc.option(fc.string({ maxLength: 20 })),
    })
    .map(({ prefix, ...fields }) => {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(fields)) if (value != null) query.set(name, value);
      return `${prefix}${query}`;
    }),
);

describe('issue 16: fuzzing the sign-in parsers and JWT claim readers', () => {
  it('should read a pasted callback or say what to paste instead', () => {
    fc.assert(
      fc.property(callbackText, (text) => {
        const outcome = outcomeOf(() => parseCodexCallbackInput(text), CallbackInputError);
        if (outcome instanceof Error) return;
        expect(outcome.code).toMatch(/^[A-Za-z0-9._~-]{8,}$/);
        expect(outcome.state === null || /^[A-Za-z0-9._~-]+$/.test(outcome.state)).toBe(true);
      }),
      FUZZ,
    );
  });

  it('should read a Google callback or throw a typed error', () => {
    fc.assert(
      fc.property(callbackText, fc.string({ minLength: 1, maxLength: 20 }), (text, state) => {
        const outcome = outcomeOf(() => parseGoogleCallback(text, state), GoogleOAuthError, TypeError);
        if (outcome instanceof Error) return;
        expect(typeof outcome.code).toBe('string');
      }),
      FUZZ,
    );
  });

  it('should read ChatGPT token claims as strings, nulls and a valid date, or throw a typed error', () => {
    fc.assert(
      fc.property(jwt, jwt, (idToken, accessToken) => {
        const outcome = outcomeOf(() => readCodexTokenClaims({ idToken, accessToken }), CodexOAuthError);
        if (outcome instanceof Error) return;
        expect(typeof outcome.accountId).toBe('string');
        for (const value of [outcome.planType, outcome.email, outcome.chatgptUserId]) {
          expect(value === null || typeof value === 'string').toBe(true);
        }
        const expiresAt = outcome.accessTokenExpiresAt;
        expect(expiresAt === null || Number.isFinite(expiresAt.getTime())).toBe(true);
      }),
      FUZZ,
    );
  });

  it('should read a Google id_token as typed claims or throw a typed error', () => {
    fc.assert(
      fc.property(jwt, (idToken) => {
        const outcome = outcomeOf(() => readGoogleIdTokenClaims(idToken), GoogleOAuthError);
        if (outcome instanceof Error) return;
        expect(typeof outcome.sub).toBe('string');
        expect(typeof outcome.isEmailVerified).toBe('boolean');
        for (const value of [outcome.email, outcome.name, outcome.picture]) {
          expect(value === null || typeof value === 'string').toBe(true);
        }
      }),
      FUZZ,
    );
  });
});
