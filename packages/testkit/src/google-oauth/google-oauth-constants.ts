/**
 * Facts about accounts.google.com and oauth2.googleapis.com that the fake reproduces.
 * @see docs/google-protocol.md §1.1, §1.4, §5.1
 */

/** The `iss` of Google id_tokens issued by the token endpoint; the fake's default, configurable per instance. */
export const GOOGLE_ISSUER = 'https://accounts.google.com';

/**
 * The scope the fake demands by default. A Gemini API call with a bearer token needs a `generative-language.*`
 * scope: `cloud-platform` alone gets 403 insufficient scopes from generativelanguage.googleapis.com
 * (docs/google-protocol.md §1.1). Google's own Gemini OAuth quickstart (ai.google.dev/gemini-api/docs/oauth) asks for
 * this one.
 */
export const GENERATIVE_LANGUAGE_SCOPE = 'https://www.googleapis.com/auth/generative-language.retriever';

export const USERINFO_EMAIL_SCOPE = 'https://www.googleapis.com/auth/userinfo.email';
export const USERINFO_PROFILE_SCOPE = 'https://www.googleapis.com/auth/userinfo.profile';

/** Google accepts the OpenID short names and answers with the full URLs in the token response's `scope`. */
export const SCOPE_ALIASES: Readonly<Record<string, string>> = {
  email: USERINFO_EMAIL_SCOPE,
  profile: USERINFO_PROFILE_SCOPE,
};

/** What the access token of an authorization-code or refresh answer lives for: `expires_in` is about 3599 (§1.4). */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3599;

/** The refresh failure every revoked, expired or unknown refresh token gets, byte for byte (§1.4, §5.1). */
export const TOKEN_EXPIRED_OR_REVOKED_MESSAGE = 'Token has been expired or revoked.';

/** The test client the fake registers when none is given. Google client ids end in `.apps.googleusercontent.com`. */
export const DEFAULT_FAKE_GOOGLE_CLIENT = {
  clientId: '000000000000-fakegatewayclient0000000000000.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-FakeGatewayClientSecret0000',
  redirectUris: ['http://127.0.0.1:3000/api/connections/google/callback'],
} as const;
