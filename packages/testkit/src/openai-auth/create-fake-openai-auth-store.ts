import { randomBytes } from 'node:crypto';
import { generatePkcePair } from './compute-pkce-challenge.ts';
import type { OpenAiTokenMinter } from './create-openai-token-minter.ts';
import type { FakeOpenAiAccount } from './fake-openai-account.ts';
import type { FakeOpenAiAuthModes } from './fake-openai-auth-modes.ts';
import type { FakeOpenAiRefreshAnswerQuirk } from './fake-openai-refresh-answer-quirk.ts';
import { generateUserCode } from './generate-user-code.ts';
import { REAL_DEVICE_CALLBACK_URI } from './openai-auth-constants.ts';

export type FakeOpenAiGrant = 'authorization_code' | 'device_code' | 'refresh_token' | 'minted';

export type FakeOpenAiRefreshTokenStatus = 'active' | 'rotated' | 'invalidated' | 'expired';

/** What the fake knows of an access token: revoked with its family, past its `exp`, or never issued by it. */
export type FakeOpenAiAccessTokenStatus = 'active' | 'revoked' | 'expired' | 'unknown';

/** One token response the fake handed out (or minted for a test), newest last. */
export type FakeOpenAiIssuedTokens = {
  /** Every token from one sign-in shares a family; revoking or invalidating it kills them all. */
  familyId: string;
  grant: FakeOpenAiGrant;
  email: string;
  chatgptAccountId: string;
  scope: string;
  /** Milliseconds since the epoch, by the fake's clock. */
  issuedAt: number;
  accessTokenExpiresAt: number;
  /** The `expires_in` sent, in seconds. */
  expiresIn: number;
  idToken: string;
  accessToken: string;
  refreshToken: string;
  /** Computed when read. */
  refreshTokenStatus: FakeOpenAiRefreshTokenStatus;
};

export type AuthorizationCodeRecord = {
  code: string;
  account: FakeOpenAiAccount;
  /** Exact strings the exchange may present; one for browser codes, two for device codes. */
  redirectUris: readonly string[];
  codeChallenge: string;
  scope: string;
  issuedAt: number;
  authTime: number;
  grant: 'authorization_code' | 'device_code';
  isUsed: boolean;
  familyId: string | undefined;
};

export type TokenFamily = {
  id: string;
  account: FakeOpenAiAccount;
  scope: string;
  authTime: number;
  sessionId: string;
  isInvalidated: boolean;
  isForcedExpired: boolean;
  /** A rotated refresh token of the family was presented again: everything the family issued is revoked. */
  isRevokedForReuse: boolean;
};

type RefreshTokenRecord = { familyId: string; issuedAt: number; isRotated: boolean };
type AccessTokenRecord = { familyId: string; expiresAt: number };

export type DeviceRecord = {
  deviceAuthId: string;
  userCode: string;
  createdAt: number;
  status: 'pending' | 'approved' | 'denied';
  approval: { authorizationCode: string; codeVerifier: string; codeChallenge: string } | undefined;
};

export type AuthorizeSession = {
  id: string;
  redirectUri: string;
  codeChallenge: string;
  scope: string;
  state: string;
  createdAt: number;
};

export type FakeOpenAiAuthStoreOptions = {
  minter: OpenAiTokenMinter;
  /** Milliseconds since the epoch. */
  now: () => number;
  /** The fake's own URL, known only once it listens; device codes are bound to its `/deviceauth/callback` too. */
  getBaseUrl: () => string;
  /** The JWT `iss`, read at mint time (it may be the base URL, known only once the server listens). */
  getIssuer: () => string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number | undefined;
  authorizationCodeTtlSeconds: number;
  deviceCodeTtlSeconds: number;
  initialModes: FakeOpenAiAuthModes;
};

export type FakeOpenAiAuthStore = ReturnType<typeof createFakeOpenAiAuthStore>;

/** All mutable state of the fake, kept apart from HTTP so hooks and handlers share one source of truth. */
export function createFakeOpenAiAuthStore(options: FakeOpenAiAuthStoreOptions) {
  const { now } = options;
  const modes: FakeOpenAiAuthModes = { ...options.initialModes };
  const authorizeSessions = new Map<string, AuthorizeSession>();
  const codes = new Map<string, AuthorizationCodeRecord>();
  const families = new Map<string, TokenFamily>();
  const refreshTokens = new Map<string, RefreshTokenRecord>();
  const accessTokens = new Map<string, AccessTokenRecord>();
  const devices = new Map<string, DeviceRecord>();
  const issued: Omit<FakeOpenAiIssuedTokens, 'refreshTokenStatus'>[] = [];
  /** Quirks for the next successful refresh answers, one entry per answer, oldest first. */
  const refreshAnswerQuirks: FakeOpenAiRefreshAnswerQuirk[][] = [];

  // Inclusive at the boundary: a 600-second code is dead exactly 600 seconds after issue.
  const isExpired = ({ since, ttlSeconds }: { since: number; ttlSeconds: number | undefined }) =>
    ttlSeconds != null && now() - since >= ttlSeconds * 1000;

  const store = {
    now,
    modes,

    createAuthorizeSession(session: Omit<AuthorizeSession, 'id' | 'createdAt'>): AuthorizeSession {
      const created = { ...session, id: randomBytes(18).toString('base64url'), createdAt: now() };
      authorizeSessions.set(created.id, created);
      return created;
    },

    /** One decision per session; an expired session is gone, as on the real server. */
    takeAuthorizeSession(id: string): AuthorizeSession | undefined {
      const session = authorizeSessions.get(id);
      authorizeSessions.delete(id);
      if (session == null || isExpired({ since: session.createdAt, ttlSeconds: options.authorizationCodeTtlSeconds })) {
        return undefined;
      }
      return session;
    },

    createAuthorizationCode(
      record: Pick<AuthorizationCodeRecord, 'account' | 'redirectUris' | 'codeChallenge' | 'scope' | 'grant'>,
    ): AuthorizationCodeRecord {
      // Observed codes look like `ac_<id>.<suffix>` (docs/codex-protocol.md §1.4).
      const code = `ac_${randomBytes(24).toString('base64url')}.${randomBytes(12).toString('base64url')}`;
      const created = { ...record, code, issuedAt: now(), authTime: now(), isUsed: false, familyId: undefined };
      codes.set(code, created);
      return created;
    },

    findAuthorizationCode(code: string): AuthorizationCodeRecord | undefined {
      return codes.get(code);
    },

    isAuthorizationCodeExpired(record: AuthorizationCodeRecord): boolean {
      return isExpired({ since: record.issuedAt, ttlSeconds: options.authorizationCodeTtlSeconds });
    },

    createFamily(family: Pick<TokenFamily, 'account' | 'scope' | 'authTime'>): TokenFamily {
      const created = {
        ...family,
        id: `fam_${randomBytes(9).toString('base64url')}`,
        sessionId: `authsess_${randomBytes(12).toString('base64url')}`,
        isInvalidated: false,
        isForcedExpired: false,
        isRevokedForReuse: false,
      };
      families.set(created.id, created);
      return created;
    },

    /** Mints a full token set in the family; the caller marks any previous refresh token rotated. */
    async issueTokens(issue: {
      family: TokenFamily;
      grant: FakeOpenAiGrant;
      accessTokenTtlSeconds?: number;
      idTokenAudience?: readonly string[];
    }): Promise<FakeOpenAiIssuedTokens> {
      const { family } = issue;
      const issuedAt = now();
      const accessTokenTtlSeconds = issue.accessTokenTtlSeconds ?? options.accessTokenTtlSeconds;
      const minted = await options.minter.mint({
        issuer: options.getIssuer(),
        account: family.account,
        scope: family.scope,
        issuedAt: Math.floor(issuedAt / 1000),
        authTime: Math.floor(family.authTime / 1000),
        accessTokenTtlSeconds,
        sessionId: family.sessionId,
        ...(issue.idTokenAudience == null ? {} : { idTokenAudience: issue.idTokenAudience }),
      });
      const refreshToken = `rt_${randomBytes(32).toString('base64url')}`;
      refreshTokens.set(refreshToken, { familyId: family.id, issuedAt, isRotated: false });
      const accessTokenExpiresAt = (Math.floor(issuedAt / 1000) + accessTokenTtlSeconds) * 1000;
      accessTokens.set(minted.accessToken, { familyId: family.id, expiresAt: accessTokenExpiresAt });
      const entry = {
        familyId: family.id,
        grant: issue.grant,
        email: family.account.email,
        chatgptAccountId: family.account.chatgptAccountId,
        scope: family.scope,
        issuedAt,
        accessTokenExpiresAt,
        expiresIn: accessTokenTtlSeconds,
        idToken: minted.idToken,
        accessToken: minted.accessToken,
        refreshToken,
      };
      issued.push(entry);
      return { ...entry, refreshTokenStatus: 'active' };
    },

    /** Why a refresh token cannot be used, or its family when it can. */
    checkRefreshToken(
      token: string,
    ):
      | { status: 'active'; family: TokenFamily; markRotated: () => void }
      | { status: Exclude<FakeOpenAiRefreshTokenStatus, 'active'> | 'unknown' } {
      const record = refreshTokens.get(token);
      const family = record == null ? undefined : families.get(record.familyId);
      if (record == null || family == null) return { status: 'unknown' };
      const status = refreshTokenStatus({ record, family });
      if (status !== 'active') return { status };
      return { status, family, markRotated: () => (record.isRotated = true) };
    },

    /**
     * A rotated refresh token came back: whoever holds the newer one may be a thief, so the whole family goes, the
     * rotated successor and every access token included (RFC 9700 §4.14.2, refresh-token rotation).
     */
    revokeFamilyOfReusedToken(token: string): void {
      const familyId = refreshTokens.get(token)?.familyId;
      const family = familyId == null ? undefined : families.get(familyId);
      if (family != null) family.isRevokedForReuse = true;
    },

    accessTokenStatus(token: string): FakeOpenAiAccessTokenStatus {
      const record = accessTokens.get(token);
      const family = record == null ? undefined : families.get(record.familyId);
      if (record == null || family == null) return 'unknown';
      if (family.isInvalidated || family.isRevokedForReuse) return 'revoked';
      return now() >= record.expiresAt ? 'expired' : 'active';
    },

    queueRefreshAnswerQuirks(quirks: readonly FakeOpenAiRefreshAnswerQuirk[]): void {
      refreshAnswerQuirks.push([...quirks]);
    },

    /** The quirks of this refresh answer; none once the queue is empty. */
    takeRefreshAnswerQuirks(): FakeOpenAiRefreshAnswerQuirk[] {
      return refreshAnswerQuirks.shift() ?? [];
    },

    findFamily(familyId: string): TokenFamily | undefined {
      return families.get(familyId);
    },

    /** The family of a refresh or access token, for revocation. */
    findFamilyByToken(token: string): TokenFamily | undefined {
      const familyId = refreshTokens.get(token)?.familyId ?? accessTokens.get(token)?.familyId;
      return familyId == null ? undefined : families.get(familyId);
    },

    findFamilyByIdToken(idToken: string): TokenFamily | undefined {
      const entry = issued.find((candidate) => candidate.idToken === idToken);
      return entry == null ? undefined : families.get(entry.familyId);
    },

    /** Returns how many families changed. */
    updateFamilies(update: { account: FakeOpenAiAccount | undefined; change: 'invalidate' | 'expire' }): number {
      let count = 0;
      for (const family of families.values()) {
        if (update.account != null && family.account !== update.account) continue;
        if (update.change === 'invalidate') family.isInvalidated = true;
        else family.isForcedExpired = true;
        count += 1;
      }
      return count;
    },

    createDevice(): DeviceRecord {
      const device: DeviceRecord = {
        deviceAuthId: `deviceauth_${randomBytes(18).toString('base64url')}`,
        userCode: generateUserCode({ isTaken: (code) => store.findDeviceByUserCode(code) != null }),
        createdAt: now(),
        status: 'pending',
        approval: undefined,
      };
      devices.set(device.deviceAuthId, device);
      return device;
    },

    findDevice(deviceAuthId: string): DeviceRecord | undefined {
      return devices.get(deviceAuthId);
    },

    /** Case and surrounding blanks do not matter to a person typing the code. */
    findDeviceByUserCode(userCode: string): DeviceRecord | undefined {
      const normalized = userCode.trim().toUpperCase();
      return [...devices.values()].find((device) => device.userCode === normalized);
    },

    isDeviceExpired(device: DeviceRecord): boolean {
      return isExpired({ since: device.createdAt, ttlSeconds: options.deviceCodeTtlSeconds });
    },

    /** Approves with a server-generated PKCE pair, as the real device flow returns it (docs/codex-protocol.md §1.6). */
    approveDevice(approve: { device: DeviceRecord; account: FakeOpenAiAccount; scope: string }): void {
      const pkce = generatePkcePair();
      const code = store.createAuthorizationCode({
        account: approve.account,
        redirectUris: [`${options.getBaseUrl()}/deviceauth/callback`, REAL_DEVICE_CALLBACK_URI],
        codeChallenge: pkce.codeChallenge,
        scope: approve.scope,
        grant: 'device_code',
      });
      approve.device.status = 'approved';
      approve.device.approval = { authorizationCode: code.code, ...pkce };
    },

    get issuedTokens(): FakeOpenAiIssuedTokens[] {
      return issued.map((entry) => {
        const record = refreshTokens.get(entry.refreshToken);
        const family = families.get(entry.familyId);
        const status = record == null || family == null ? 'invalidated' : refreshTokenStatus({ record, family });
        return { ...entry, refreshTokenStatus: status };
      });
    },

    reset(initialModes: FakeOpenAiAuthModes): void {
      Object.assign(modes, initialModes);
      for (const map of [authorizeSessions, codes, families, refreshTokens, accessTokens, devices]) map.clear();
      issued.length = 0;
      refreshAnswerQuirks.length = 0;
    },
  };

  // Invalidation wins over reuse and expiry: once a family is revoked, the real server says so for every member.
  // Revocation for reuse is weaker: a rotated token keeps answering `refresh_token_reused`, an expired one
  // `refresh_token_expired`, and only the tokens that were still usable now answer `refresh_token_invalidated`.
  function refreshTokenStatus(check: {
    record: RefreshTokenRecord;
    family: TokenFamily;
  }): FakeOpenAiRefreshTokenStatus {
    if (check.family.isInvalidated) return 'invalidated';
    if (check.record.isRotated) return 'rotated';
    if (check.family.isForcedExpired) return 'expired';
    if (isExpired({ since: check.record.issuedAt, ttlSeconds: options.refreshTokenTtlSeconds })) return 'expired';
    if (check.family.isRevokedForReuse) return 'invalidated';
    return 'active';
  }

  return store;
}
