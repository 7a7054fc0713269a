import { randomBytes } from 'node:crypto';
import type { GoogleIdTokenSigner } from './create-google-id-token-signer.ts';
import type { FakeGoogleAccount } from './fake-google-account.ts';
import type { FakeGoogleClient } from './fake-google-client.ts';
import type { FakeGoogleOAuthModes } from './fake-google-oauth-modes.ts';
import type {
  AuthorizationCodeRecord,
  AuthorizeSession,
  FakeGoogleAccessTokenInfo,
  FakeGoogleGrantKind,
  FakeGoogleIssuedTokens,
  GrantRecord,
  RefreshTokenCheck,
} from './fake-google-oauth-records.ts';

export type {
  AuthorizationCodeRecord,
  AuthorizeSession,
  FakeGoogleAccessTokenInfo,
  FakeGoogleGrantKind,
  FakeGoogleIssuedTokens,
  GrantRecord,
  RefreshTokenCheck,
} from './fake-google-oauth-records.ts';

type AccessTokenRecord = { grantId: string; scopes: string[]; expiresAt: number; isForcedExpired: boolean };

export type FakeGoogleOAuthStoreOptions = {
  signer: GoogleIdTokenSigner;
  /** Milliseconds since the epoch. */
  now: () => number;
  issuer: string;
  authorizationCodeTtlSeconds: number;
  refreshTokenTtlSeconds: number | undefined;
  initialModes: FakeGoogleOAuthModes;
  initialClients: readonly FakeGoogleClient[];
};

export type FakeGoogleOAuthStore = ReturnType<typeof createFakeGoogleOAuthStore>;

/** All mutable state of the fake, kept apart from HTTP so hooks and handlers share one source of truth. */
export function createFakeGoogleOAuthStore(options: FakeGoogleOAuthStoreOptions) {
  const { now } = options;
  const modes: FakeGoogleOAuthModes = { ...options.initialModes };
  const clients = new Map<string, FakeGoogleClient>();
  const sessions = new Map<string, AuthorizeSession>();
  const codes = new Map<string, AuthorizationCodeRecord>();
  const grants = new Map<string, GrantRecord>();
  const refreshTokens = new Map<string, string>();
  /** Refresh tokens a rotation replaced: dead, but told apart from unknown ones in `checkRefreshToken`. */
  const replacedRefreshTokens = new Set<string>();
  const accessTokens = new Map<string, AccessTokenRecord>();
  /** `clientId sub` pairs that have consented once; Google issues a refresh token only on the first consent. */
  const consents = new Set<string>();
  const issued: FakeGoogleIssuedTokens[] = [];

  const registerClients = (list: readonly FakeGoogleClient[]) => {
    for (const client of list) clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris] });
  };
  registerClients(options.initialClients);

  // Inclusive at the boundary: a 600-second code is dead exactly 600 seconds after issue.
  const isExpired = (since: number, ttlSeconds: number | undefined) =>
    ttlSeconds != null && now() - since >= ttlSeconds * 1000;
  const consentKey = (clientId: string, account: FakeGoogleAccount) => `${clientId} ${account.sub}`;

  const store = {
    now,
    modes,
    issuer: options.issuer,

    get clients(): FakeGoogleClient[] {
      return [...clients.values()].map((client) => ({ ...client, redirectUris: [...client.redirectUris] }));
    },
    /** Adds or replaces a registration, as editing the client in Google Cloud does. */
    registerClient(client: FakeGoogleClient): void {
      registerClients([client]);
    },
    findClient(clientId: string): FakeGoogleClient | undefined {
      return clients.get(clientId);
    },

    createAuthorizeSession(session: Omit<AuthorizeSession, 'id' | 'createdAt'>): AuthorizeSession {
      const created = { ...session, id: randomBytes(18).toString('base64url'), createdAt: now() };
      sessions.set(created.id, created);
      return created;
    },
    /** The newest live session, or the one named; undefined when none is pending. */
    findAuthorizeSession(id?: string): AuthorizeSession | undefined {
      const live = [...sessions.values()].filter(
        (session) => !isExpired(session.createdAt, options.authorizationCodeTtlSeconds),
      );
      return id == null ? live.at(-1) : live.find((session) => session.id === id);
    },
    /** One decision per session; an expired one is gone. */
    takeAuthorizeSession(id: string): AuthorizeSession | undefined {
      const session = store.findAuthorizeSession(id);
      sessions.delete(id);
      return session;
    },
    get pendingSessions(): AuthorizeSession[] {
      return [...sessions.values()].filter(
        (session) => !isExpired(session.createdAt, options.authorizationCodeTtlSeconds),
      );
    },

    hasConsent(clientId: string, account: FakeGoogleAccount): boolean {
      return consents.has(consentKey(clientId, account));
    },
    recordConsent(clientId: string, account: FakeGoogleAccount): void {
      consents.add(consentKey(clientId, account));
    },

    createAuthorizationCode(
      record: Omit<AuthorizationCodeRecord, 'code' | 'issuedAt' | 'isUsed' | 'grantId'>,
    ): AuthorizationCodeRecord {
      // Real codes start `4/0A` and carry a slash, so a client that forgets to URL-decode the callback breaks here.
      const code = `4/0A${randomBytes(48).toString('base64url')}`;
      const created = { ...record, code, issuedAt: now(), isUsed: false, grantId: undefined };
      codes.set(code, created);
      return created;
    },
    findAuthorizationCode(code: string): AuthorizationCodeRecord | undefined {
      return codes.get(code);
    },
    isAuthorizationCodeExpired(record: AuthorizationCodeRecord): boolean {
      return isExpired(record.issuedAt, options.authorizationCodeTtlSeconds);
    },

    createGrant(grant: { clientId: string; account: FakeGoogleAccount; scopes: string[] }): GrantRecord {
      const created: GrantRecord = {
        ...grant,
        id: `grant_${randomBytes(9).toString('base64url')}`,
        refreshToken: undefined,
        refreshTokenIssuedAt: now(),
        isRevoked: false,
        isRefreshTokenExpired: false,
      };
      grants.set(created.id, created);
      return created;
    },
    findGrant(id: string): GrantRecord | undefined {
      return grants.get(id);
    },

    /** Mints an access token (and id_token with `openid`) in the grant, plus a new refresh token when asked. */
    async issueTokens(issue: {
      grant: GrantRecord;
      kind: FakeGoogleGrantKind;
      shouldIssueRefreshToken: boolean;
      accessTokenTtlSeconds?: number;
    }): Promise<FakeGoogleIssuedTokens> {
      const { grant } = issue;
      const issuedAt = now();
      const ttl = issue.accessTokenTtlSeconds ?? modes.accessTokenTtlSeconds;
      const accessToken = `ya29.a0${randomBytes(96).toString('base64url')}`;
      const expiresAt = issuedAt + ttl * 1000;
      accessTokens.set(accessToken, { grantId: grant.id, scopes: grant.scopes, expiresAt, isForcedExpired: false });
      let refreshToken: string | undefined;
      if (issue.shouldIssueRefreshToken) {
        if (grant.refreshToken != null) {
          refreshTokens.delete(grant.refreshToken);
          replacedRefreshTokens.add(grant.refreshToken);
        }
        refreshToken = `1//0${randomBytes(64).toString('base64url')}`;
        refreshTokens.set(refreshToken, grant.id);
        grant.refreshToken = refreshToken;
        grant.refreshTokenIssuedAt = issuedAt;
      }
      const idToken = grant.scopes.includes('openid')
        ? await options.signer.sign({
            issuer: options.issuer,
            clientId: grant.clientId,
            account: grant.account,
            scopes: grant.scopes,
            accessToken,
            issuedAt: Math.floor(issuedAt / 1000),
          })
        : undefined;
      const entry: FakeGoogleIssuedTokens = {
        grantId: grant.id,
        grant: issue.kind,
        clientId: grant.clientId,
        email: grant.account.email,
        sub: grant.account.sub,
        scopes: [...grant.scopes],
        issuedAt,
        accessTokenExpiresAt: expiresAt,
        expiresIn: ttl,
        accessToken,
        refreshToken,
        idToken,
      };
      issued.push(entry);
      return { ...entry, scopes: [...entry.scopes] };
    },

    checkRefreshToken(token: string): RefreshTokenCheck {
      const grant = grants.get(refreshTokens.get(token) ?? '');
      if (grant == null) return { status: replacedRefreshTokens.has(token) ? 'replaced' : 'unknown' };
      if (grant.isRevoked) return { status: 'revoked' };
      if (grant.isRefreshTokenExpired || isExpired(grant.refreshTokenIssuedAt, options.refreshTokenTtlSeconds)) {
        return { status: 'expired' };
      }
      return { status: 'active', grant };
    },

    /** Null for unknown, expired and revoked tokens, so a fake API can answer 401 for all three. */
    verifyAccessToken(token: string): FakeGoogleAccessTokenInfo | null {
      const record = accessTokens.get(token);
      const grant = record == null ? undefined : grants.get(record.grantId);
      if (record == null || grant == null || grant.isRevoked || record.isForcedExpired) return null;
      if (now() >= record.expiresAt) return null;
      return {
        email: grant.account.email,
        sub: grant.account.sub,
        clientId: grant.clientId,
        scopes: [...record.scopes],
        expiresAt: record.expiresAt,
      };
    },

    /** The grant a refresh or access token belongs to, live or not. */
    findGrantByToken(token: string): GrantRecord | undefined {
      const grantId = refreshTokens.get(token) ?? accessTokens.get(token)?.grantId;
      return grantId == null ? undefined : grants.get(grantId);
    },

    /**
     * What `/revoke` does: the app loses access to the account, every grant of that client and user ends, and the
     * next sign-in counts as a first consent again. Returns how many grants ended.
     */
    revokeAccess(target: { clientId: string; account: FakeGoogleAccount }): number {
      consents.delete(consentKey(target.clientId, target.account));
      let count = 0;
      for (const grant of grants.values()) {
        if (grant.clientId !== target.clientId || grant.account !== target.account || grant.isRevoked) continue;
        grant.isRevoked = true;
        count += 1;
      }
      return count;
    },

    /** Test hooks over many grants; `account` narrows to one user. Returns how many grants changed. */
    updateGrants(update: {
      account: FakeGoogleAccount | undefined;
      change: 'revoke' | 'expire-refresh-tokens' | 'expire-access-tokens';
    }): number {
      let count = 0;
      for (const grant of grants.values()) {
        if (update.account != null && grant.account !== update.account) continue;
        if (grant.isRevoked) continue;
        if (update.change === 'revoke') {
          grant.isRevoked = true;
          consents.delete(consentKey(grant.clientId, grant.account));
        } else if (update.change === 'expire-refresh-tokens') {
          grant.isRefreshTokenExpired = true;
        } else {
          for (const record of accessTokens.values()) {
            if (record.grantId === grant.id) record.isForcedExpired = true;
          }
        }
        count += 1;
      }
      return count;
    },

    get issuedTokens(): FakeGoogleIssuedTokens[] {
      return issued.map((entry) => ({ ...entry, scopes: [...entry.scopes] }));
    },

    reset(initialModes: FakeGoogleOAuthModes): void {
      Object.assign(modes, initialModes);
      for (const map of [clients, sessions, codes, grants, refreshTokens, accessTokens]) map.clear();
      replacedRefreshTokens.clear();
      consents.clear();
      issued.length = 0;
      registerClients(options.initialClients);
    },
  };
  return store;
}
