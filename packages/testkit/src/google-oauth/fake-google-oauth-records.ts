import type { FakeGoogleAccount } from './fake-google-account.ts';

/** The records the fake's store keeps, and the views of them it hands to tests. */

export type FakeGoogleGrantKind = 'authorization_code' | 'refresh_token' | 'minted';

/** One token response the fake handed out (or minted for a test), newest last. */
export type FakeGoogleIssuedTokens = {
  /** One sign-in; refreshes add access tokens to it, and revocation ends it. */
  grantId: string;
  grant: FakeGoogleGrantKind;
  clientId: string;
  email: string;
  sub: string;
  scopes: string[];
  /** Milliseconds since the epoch, by the fake's clock. */
  issuedAt: number;
  accessTokenExpiresAt: number;
  /** The `expires_in` sent, in seconds. */
  expiresIn: number;
  accessToken: string;
  /** Only when this answer carried one: first consent or `prompt=consent` with `access_type=offline`, or rotation. */
  refreshToken: string | undefined;
  /** Only when `openid` was granted. */
  idToken: string | undefined;
};

/** What the fake Gemini API needs to accept a bearer token. */
export type FakeGoogleAccessTokenInfo = {
  email: string;
  sub: string;
  clientId: string;
  scopes: string[];
  /** Milliseconds since the epoch. */
  expiresAt: number;
};

export type AuthorizeSession = {
  id: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scopes: string[];
  accessType: 'online' | 'offline';
  prompts: string[];
  loginHint: string | undefined;
  createdAt: number;
};

export type AuthorizationCodeRecord = {
  code: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  account: FakeGoogleAccount;
  /** Decided at approval: offline access on a first consent or a forced one. */
  isRefreshTokenIssued: boolean;
  issuedAt: number;
  isUsed: boolean;
  grantId: string | undefined;
};

export type GrantRecord = {
  id: string;
  clientId: string;
  account: FakeGoogleAccount;
  scopes: string[];
  refreshToken: string | undefined;
  refreshTokenIssuedAt: number;
  isRevoked: boolean;
  isRefreshTokenExpired: boolean;
};

export type RefreshTokenCheck =
  | { status: 'active'; grant: GrantRecord }
  | { status: 'revoked' | 'expired' | 'unknown' | 'replaced' };
