import { randomBytes } from 'node:crypto';
import type { BaseFakeOptions, FakeContext } from '../define-fake.ts';
import type { IssuedTokens, ModesOf } from '../oauth-server/oauth-state.ts';
import { createOAuthState, isBoolean, isOneOf } from '../oauth-server/oauth-state.ts';
import { OPENAI_ISSUER } from './openai-auth-constants.ts';
import type { FakeOpenAiRefreshAnswerQuirk } from './register-token-routes.ts';

export type FakeOpenAiAuthOptions = BaseFakeOptions & {
  /** One default account (`user@example.com`, plan plus) when omitted. */
  accounts?: readonly FakeOpenAiAccountOptions[];
  /** Default 864000, the ~10 days the real server issues. */
  accessTokenTtlSeconds?: number;
  /** Refresh tokens older than this answer `refresh_token_expired`. Default: no limit. */
  refreshTokenTtlSeconds?: number;
  /** Default 600; also bounds how long the consent page stays valid. */
  authorizationCodeTtlSeconds?: number;
  /** Default 900, the 15 minutes Codex tells the user. */
  deviceCodeTtlSeconds?: number;
  /** Default '5'; a string, as Codex's parser only accepts one (docs/codex-protocol.md §1.6). */
  deviceInterval?: string;
  /** Shorthand for `modes.autoApprove`. */
  autoApprove?: boolean;
  modes?: Partial<FakeOpenAiAuthModes>;
  /**
   * The `iss` of the JWTs and of discovery. Default `OPENAI_ISSUER`, which the real server signs wherever it is reached
   * (docs/codex-protocol.md §1.1, §3): a client checking `iss` against its configured URL fails here as behind a proxy.
   */
  issuer?: string;
};

/** Behaviour switches a test can flip at run time (`setModes` or `POST /__testkit/modes`), each with its check. */
export const OPENAI_AUTH_MODE_RULES = {
  /** Authorize redirects at once for the first account, without the consent page. */
  autoApprove: isBoolean,
  /** Approval ends in `access_denied` with `missing_codex_entitlement` (docs/codex-protocol.md §1.4). */
  isCodexEntitlementMissing: isBoolean,
  /** 401 for `refresh_token_reused` as observed, or 400 as also seen since openai/codex#24830. */
  refreshTokenReusedStatus: isOneOf(401, 400),
  /** False answers 404 on the device endpoints, as a server without device login does. */
  deviceCodeEnabled: isBoolean,
  /** 403 is the real pending answer; Codex also treats 404 as pending. */
  devicePendingStatus: isOneOf(403, 404),
};
export type FakeOpenAiAuthModes = ModesOf<typeof OPENAI_AUTH_MODE_RULES>;

/** The default account, with fixed ids tests and fixtures can hard-code; the fields become JWT claims. */
export const DEFAULT_FAKE_OPENAI_ACCOUNT = {
  email: 'user@example.com',
  /** The workspace UUID that clients send as `chatgpt-account-id`. */
  chatgptAccountId: '6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  /** Also the `user_id` claim. */
  chatgptUserId: 'user-FakeUser000000000000001',
  planType: 'plus',
  /** JWT `sub`. */
  subject: 'auth0|fakeuser000000000000001',
  /** Org ids are `org-…`, never the ChatGPT account id. */
  organizations: [{ id: 'org-FakeOrg00000000000000001', is_default: true, role: 'owner', title: 'Personal' }],
};
export type FakeOpenAiAccount = typeof DEFAULT_FAKE_OPENAI_ACCOUNT;
/** Everything but `email` has a default derived from the account's position. */
export type FakeOpenAiAccountOptions = Partial<FakeOpenAiAccount> & { email: string };

/** The tokens of one sign-in share a family; the refresh token's status is computed when read. */
export type FakeOpenAiIssuedTokens = IssuedTokens<'authorization_code' | 'device_code' | 'refresh_token' | 'minted'> & {
  familyId: string;
  chatgptAccountId: string;
  scope: string;
  idToken: string;
  refreshToken: string;
  refreshTokenStatus: 'active' | 'rotated' | 'invalidated' | 'expired';
};

export type AuthorizeRequest = { redirectUri: string; codeChallenge: string; scope: string; state: string };

export type TokenFamily = {
  id: string;
  account: FakeOpenAiAccount;
  scope: string;
  authTime: number;
  /** The access tokens' `session_id`, stable across refreshes of one sign-in. */
  sessionId: string;
  isInvalidated?: boolean;
  isForcedExpired?: boolean;
  /** A rotated refresh token of the family came back: everything the family issued is revoked. */
  isRevokedForReuse?: boolean;
};

export type FakeOpenAiAuthStore = ReturnType<typeof createFakeOpenAiAuthStore>;
export type OpenAiAuthContext = FakeContext<FakeOpenAiAuthOptions, FakeOpenAiAuthStore, never>;

export function createFakeOpenAiAuthStore(options: FakeOpenAiAuthOptions) {
  const modes = { isCodexEntitlementMissing: false, refreshTokenReusedStatus: 401, deviceCodeEnabled: true } as const;
  const defaultModes = { ...modes, autoApprove: options.autoApprove ?? false, devicePendingStatus: 403 } as const;
  const accounts = options.accounts?.length ? options.accounts.map(withAccountDefaults) : [DEFAULT_FAKE_OPENAI_ACCOUNT];
  const state = createOAuthState<typeof OPENAI_AUTH_MODE_RULES, AuthorizeRequest, FakeOpenAiAccount>({
    fake: options,
    modeRules: OPENAI_AUTH_MODE_RULES,
    defaultModes,
    issuer: options.issuer ?? OPENAI_ISSUER,
    accounts,
  });
  return {
    ...state,
    codes: new Map<string, AuthorizationCode>(),
    families: new Map<string, TokenFamily>(),
    refreshTokens: new Map<string, { familyId: string; issuedAt: number; isRotated?: boolean }>(),
    accessTokens: new Map<string, { familyId: string; expiresAt: number }>(),
    devices: new Map<string, DeviceRecord>(),
    issued: [] as Omit<FakeOpenAiIssuedTokens, 'refreshTokenStatus'>[],
    /** Quirks of the next successful refresh answers, one entry per answer. */
    refreshAnswerQuirks: [] as FakeOpenAiRefreshAnswerQuirk[][],
    /** An account by email or ChatGPT account id; the first one without a selector. */
    findAccount: (selector: string | undefined) =>
      selector
        ? accounts.find(({ email, chatgptAccountId }) => [email, chatgptAccountId].includes(selector))
        : state.accounts[0],
  };
}

type AuthorizationCode = Pick<AuthorizeRequest, 'codeChallenge' | 'scope'> & {
  account: FakeOpenAiAccount;
  /** What the exchange may present, exactly; two for a device code. */
  redirectUris: readonly string[];
  grant: 'authorization_code' | 'device_code';
  issuedAt: number;
  isUsed?: boolean;
  familyId?: string;
};

type DeviceRecord = {
  userCode: string;
  createdAt: number;
  status: 'pending' | 'approved' | 'denied';
  approval?: { authorization_code: string; code_challenge: string; code_verifier: string };
};

/** A new code; observed ones look like `ac_<id>.<suffix>` (docs/codex-protocol.md §1.4). */
export function createAuthorizationCode(context: OpenAiAuthContext, code: Omit<AuthorizationCode, 'issuedAt'>): string {
  const id = `ac_${randomBytes(24).toString('base64url')}.${randomBytes(12).toString('base64url')}`;
  context.state.codes.set(id, { ...code, issuedAt: context.now() });
  return id;
}

function withAccountDefaults(account: FakeOpenAiAccountOptions, index: number): FakeOpenAiAccount {
  const serial = (length: number) => String(index + 1).padStart(length, '0');
  return {
    chatgptAccountId: `6f1c2b3a-4d5e-4f60-8a7b-${serial(12)}`,
    chatgptUserId: `user-FakeUser${serial(15)}`,
    planType: 'plus',
    subject: `auth0|fakeuser${serial(15)}`,
    organizations: [{ id: `org-FakeOrg${serial(17)}`, is_default: true, role: 'owner', title: 'Personal' }],
    ...account,
  };
}
