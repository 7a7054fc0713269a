/**
 * Google's production endpoints, for the user's own OAuth client ("Web application" in Google Cloud). The gateway
 * passes endpoints in from its config (`GATEWAY_GOOGLE_AUTH_URL`, `GATEWAY_GOOGLE_TOKEN_URL`), so a fake can stand in;
 * these are the defaults. @see docs/google-protocol.md §1.1
 */
export const GOOGLE_AUTHORIZATION_ENDPOINT = 'https://accounts.google.com/o/oauth2/v2/auth';
export const GOOGLE_TOKEN_ENDPOINT = 'https://oauth2.googleapis.com/token';
export const GOOGLE_REVOCATION_ENDPOINT = 'https://oauth2.googleapis.com/revoke';

/** The `iss` of id_tokens from Google's token endpoint. */
export const GOOGLE_ISSUER = 'https://accounts.google.com';

/**
 * The Generative Language API scope for bearer calls to generativelanguage.googleapis.com. `cloud-platform` alone is
 * refused there with 403 insufficient scopes (docs/google-protocol.md §1.1); this is the scope Google's Gemini OAuth
 * quickstart requests (ai.google.dev/gemini-api/docs/oauth).
 */
export const GOOGLE_GENERATIVE_LANGUAGE_SCOPE = 'https://www.googleapis.com/auth/generative-language.retriever';

/** What the gateway asks for: an id_token (`openid`) naming the account (`email`), and Gemini access. */
export const GOOGLE_DEFAULT_SCOPES: readonly string[] = ['openid', 'email', GOOGLE_GENERATIVE_LANGUAGE_SCOPE];
