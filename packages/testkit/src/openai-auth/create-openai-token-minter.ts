import { randomBytes } from 'node:crypto';
import type { JWK } from 'jose';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { FakeOpenAiAccount } from './fake-openai-account.ts';
import { AUTH_CLAIM, OPENAI_CODEX_CLIENT_ID, PROFILE_CLAIM } from './openai-auth-constants.ts';

/** The id_token's own lifetime; Codex never reads it, so it stays fixed. */
const ID_TOKEN_TTL_SECONDS = 3600;

export type MintOpenAiTokensOptions = {
  /** The `iss`; the real server always signs `https://auth.openai.com`, wherever it was reached. */
  issuer: string;
  account: FakeOpenAiAccount;
  scope: string;
  /** Seconds since the epoch. */
  issuedAt: number;
  authTime: number;
  accessTokenTtlSeconds: number;
  /** Access-token `session_id`, stable across refreshes of one sign-in. */
  sessionId: string;
  /** The id_token's `aud`; the Codex client when omitted. Tests set another to see who checks it. */
  idTokenAudience?: readonly string[];
};

export type MintedOpenAiTokens = { idToken: string; accessToken: string };

export type OpenAiTokenMinter = {
  mint(options: MintOpenAiTokensOptions): Promise<MintedOpenAiTokens>;
  /** The public signing key as a JWK Set, for `/.well-known/jwks.json`. */
  readonly jwks: { keys: JWK[] };
};

// RSA key generation takes ~300 ms here, and a suite starts dozens of fakes; they can share one key per process.
// Fakes that sign the real issuer all sign the same `iss`, so what keeps a token of one fake from validating as a
// token of another is its own key id: a JWKS lookup only tries the keys whose `kid` matches the token's.
let sharedKeyPair: ReturnType<typeof generateKeyPair> | undefined;

/** Signs id and access tokens (RS256) with the claim layout of docs/codex-protocol.md §3. */
export async function createOpenAiTokenMinter(): Promise<OpenAiTokenMinter> {
  sharedKeyPair ??= generateKeyPair('RS256', { extractable: true });
  const { privateKey, publicKey } = await sharedKeyPair;
  const publicJwk = await exportJWK(publicKey);
  const kid = `${await calculateJwkThumbprint(publicJwk)}.${randomBytes(6).toString('base64url')}`;
  const jwks = { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] };

  const sign = (options: {
    payload: Record<string, unknown>;
    issuedAt: number;
    expiresAt: number;
    issuer: string;
    audience: readonly string[];
  }) =>
    new SignJWT(options.payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .setIssuer(options.issuer)
      .setAudience([...options.audience])
      .setIssuedAt(options.issuedAt)
      .setExpirationTime(options.expiresAt)
      .setJti(randomBytes(16).toString('hex'))
      .sign(privateKey);

  return {
    jwks,
    async mint(options) {
      const { account, issuedAt, issuer } = options;
      // Both tokens carry the auth namespace: Codex reads it from the id_token, opencode from the access token.
      const authClaim = {
        chatgpt_account_id: account.chatgptAccountId,
        chatgpt_plan_type: account.planType,
        chatgpt_user_id: account.chatgptUserId,
        user_id: account.chatgptUserId,
        organizations: account.organizations,
        groups: [],
      };
      const profileClaim = { email: account.email, email_verified: true };
      const common = {
        sub: account.subject,
        auth_time: options.authTime,
        email: account.email,
        email_verified: true,
        [AUTH_CLAIM]: authClaim,
        [PROFILE_CLAIM]: profileClaim,
      };
      const [idToken, accessToken] = await Promise.all([
        sign({
          payload: common,
          issuer,
          issuedAt,
          expiresAt: issuedAt + ID_TOKEN_TTL_SECONDS,
          audience: options.idTokenAudience ?? [OPENAI_CODEX_CLIENT_ID],
        }),
        sign({
          payload: {
            ...common,
            client_id: OPENAI_CODEX_CLIENT_ID,
            scp: options.scope.split(' ').filter((scope) => scope !== ''),
            session_id: options.sessionId,
          },
          issuer,
          issuedAt,
          expiresAt: issuedAt + options.accessTokenTtlSeconds,
          audience: [OPENAI_CODEX_CLIENT_ID],
        }),
      ]);
      return { idToken, accessToken };
    },
  };
}
