import { randomBytes } from 'node:crypto';
import { invalidType, invalidValue } from '../coded-type-error.ts';
import type { BaseFakeOptions, FakeContext } from '../define-fake.ts';
import type { IssuedTokens, ModesOf } from '../oauth-server/oauth-state.ts';
import { createOAuthState, isBoolean } from '../oauth-server/oauth-state.ts';

export type FakeGoogleOAuthOptions = BaseFakeOptions & {
  /** Registered OAuth clients (id, secret, exact redirect URIs). One default test client when omitted. */
  clients?: readonly FakeGoogleClient[];
  /** One default account (`user@gmail.example`) when omitted. */
  accounts?: readonly FakeGoogleAccountOptions[];
  /** `iss` of every id_token. Default `https://accounts.google.com`; Google also uses bare `accounts.google.com`. */
  issuer?: string;
  /** Scopes every authorize request must include. Default: the Generative Language scope. */
  requiredScopes?: readonly string[];
  /** Shorthand for `modes.accessTokenTtlSeconds`. */
  accessTokenTtlSeconds?: number;
  /** Default 600; also bounds how long the consent page stays valid. */
  authorizationCodeTtlSeconds?: number;
  /** Refresh tokens older than this get `invalid_grant` (Google: 7 days for apps in "Testing"). Default: no limit. */
  refreshTokenTtlSeconds?: number;
  /** Shorthand for `modes.autoApprove`. */
  autoApprove?: boolean;
  modes?: Partial<FakeGoogleOAuthModes>;
};

/** Behaviour switches a test can flip at run time (`setModes` or `POST /__testkit/modes`), each with its check. */
export const GOOGLE_OAUTH_MODE_RULES = {
  /** Authorize redirects at once (for the `login_hint` account, else the first), without the consent page. */
  autoApprove: isBoolean,
  /** Every approval ends in `error=access_denied`, as when the user clicks Cancel on Google's consent screen. */
  isConsentDenied: isBoolean,
  /** Google keeps the refresh token on refresh (docs/google-protocol.md §1.4); true rotates it instead. */
  shouldRotateRefreshTokens: isBoolean,
  /** `expires_in` of new access tokens, about 3599 at Google (§1.4); lower it to land in a refresh window (§5.1). */
  accessTokenTtlSeconds: (value: unknown): value is number => Number.isInteger(value) && (value as number) > 0,
};
export type FakeGoogleOAuthModes = ModesOf<typeof GOOGLE_OAUTH_MODE_RULES>;

/** An OAuth client as a user registers it in Google Cloud; redirect URIs are compared byte for byte, as Google does. */
export type FakeGoogleClient = { clientId: string; clientSecret: string; redirectUris: readonly string[] };

/** The test client the fake registers when none is given; Google client ids end in `.apps.googleusercontent.com`. */
export const DEFAULT_FAKE_GOOGLE_CLIENT = {
  clientId: '000000000000-fakegatewayclient0000000000000.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-FakeGatewayClientSecret0000',
  redirectUris: ['http://127.0.0.1:3000/api/connections/google/callback'],
} as const;

/** The default account, with fixed ids tests and fixtures can hard-code. */
export const DEFAULT_FAKE_GOOGLE_ACCOUNT = {
  email: 'user@gmail.example',
  /** The id_token's `sub` and userinfo's `id`: a 21-digit string at Google. */
  sub: '100000000000000000001',
  name: 'Fake User',
  givenName: 'Fake',
  familyName: 'User',
  picture: 'https://lh3.googleusercontent.example/a/fake-user',
  isEmailVerified: true,
};
/** A Google user; the fields become id_token claims and userinfo fields. */
export type FakeGoogleAccount = typeof DEFAULT_FAKE_GOOGLE_ACCOUNT;
/** Everything but `email` has a default derived from the account's position. */
export type FakeGoogleAccountOptions = Partial<FakeGoogleAccount> & { email: string };

/** Demanded by default: a bearer Gemini call needs a `generative-language.*` scope (docs/google-protocol.md §1.1). */
export const GENERATIVE_LANGUAGE_SCOPE = 'https://www.googleapis.com/auth/generative-language.retriever';
export const EMAIL_SCOPE = 'https://www.googleapis.com/auth/userinfo.email';
export const PROFILE_SCOPE = 'https://www.googleapis.com/auth/userinfo.profile';

export type FakeGoogleIssuedTokens = IssuedTokens<'authorization_code' | 'refresh_token' | 'minted'> & {
  grantId: string;
  clientId: string;
  sub: string;
  scopes: string[];
  /** Only when the answer carried one (first or forced offline consent, rotation); `idToken` only with `openid`. */
  refreshToken: string | undefined;
  idToken: string | undefined;
};

/** A validated authorization request, pending on the consent page or approved at once. */
export type AuthorizeRequest = {
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scopes: string[];
  accessType: string;
  prompts: string[];
  loginHint: string | undefined;
};

export type GrantRecord = {
  id: string;
  clientId: string;
  account: FakeGoogleAccount;
  scopes: string[];
  refreshToken?: string;
  refreshTokenIssuedAt: number;
  isRevoked?: boolean;
  isRefreshTokenExpired?: boolean;
};

export type FakeGoogleOAuthStore = ReturnType<typeof createFakeGoogleOAuthStore>;
export type GoogleOAuthContext = FakeContext<FakeGoogleOAuthOptions, FakeGoogleOAuthStore, never>;

export function createFakeGoogleOAuthStore(options: FakeGoogleOAuthOptions) {
  const clients = new Map<string, FakeGoogleClient>();
  const modes = { isConsentDenied: false, shouldRotateRefreshTokens: false, autoApprove: options.autoApprove ?? false };
  const defaultModes = { ...modes, accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3599 };
  const accounts = options.accounts?.length ? options.accounts.map(withAccountDefaults) : [DEFAULT_FAKE_GOOGLE_ACCOUNT];
  const base = createOAuthState<typeof GOOGLE_OAUTH_MODE_RULES, AuthorizeRequest, FakeGoogleAccount>({
    fake: options,
    modeRules: GOOGLE_OAUTH_MODE_RULES,
    defaultModes,
    issuer: options.issuer ?? 'https://accounts.google.com',
    accounts,
  });
  const state = {
    ...base,
    requiredScopes: expandScopes(options.requiredScopes ?? [GENERATIVE_LANGUAGE_SCOPE], 'requiredScopes'),
    clients,
    codes: new Map<string, AuthorizationCode>(),
    grants: new Map<string, GrantRecord>(),
    refreshTokens: new Map<string, string>(),
    accessTokens: new Map<string, { grantId: string; scopes: string[]; expiresAt: number; isForcedExpired?: true }>(),
    /** `clientId sub` pairs that consented once: Google issues a refresh token only on the first consent. */
    consents: new Set<string>(),
    issued: [] as FakeGoogleIssuedTokens[],
    /** An account by email (any case, as Google matches a `login_hint`) or `sub`; the first without a selector. */
    findAccount: (selector: string | undefined) =>
      selector
        ? accounts.find(({ email, sub }) => email.toLowerCase() === selector.toLowerCase() || sub === selector)
        : base.accounts[0],
    /** Adds or replaces a registration, as editing the client in Google Cloud does; a coded TypeError names a bad field. */
    registerClient(client: FakeGoogleClient, name = 'client'): void {
      const { clientId, clientSecret, redirectUris } = client;
      const emptyField = Object.entries({ clientId, clientSecret }).find(
        ([, value]) => typeof value !== 'string' || value === '',
      );
      if (emptyField != null) throw invalidType(`"${name}.${emptyField[0]}" must be a non-empty string`);
      if (!Array.isArray(redirectUris) || redirectUris.length === 0) {
        throw invalidType(`"${name}.redirectUris" must be a non-empty array of absolute URLs`);
      }
      const bad = redirectUris.find((uri) => !/^https?:$/.test(URL.parse(String(uri))?.protocol ?? ''));
      if (bad !== undefined) {
        throw invalidValue(`"${name}.redirectUris" must hold absolute http(s) URLs, got ${JSON.stringify(bad)}`);
      }
      clients.set(clientId, { clientId, clientSecret, redirectUris: [...redirectUris] });
    },
  };
  for (const [index, client] of (options.clients ?? [DEFAULT_FAKE_GOOGLE_CLIENT]).entries()) {
    state.registerClient(client, `clients[${index}]`);
  }
  return state;
}

type AuthorizationCode = Pick<AuthorizeRequest, 'clientId' | 'redirectUri' | 'codeChallenge' | 'scopes'> & {
  account: FakeGoogleAccount;
  /** Offline access on a first or forced consent, decided at approval. */
  isRefreshTokenIssued: boolean;
  issuedAt: number;
  isUsed?: boolean;
  grantId?: string;
};

/** Real codes start `4/0A`: the slash breaks a client that forgets to URL-decode it. */
export function createAuthorizationCode(context: GoogleOAuthContext, code: Omit<AuthorizationCode, 'issuedAt'>) {
  const id = `4/0A${randomBytes(48).toString('base64url')}`;
  context.state.codes.set(id, { ...code, issuedAt: context.now() });
  return id;
}

export function consentKey(clientId: string, account: FakeGoogleAccount): string {
  return `${clientId} ${account.sub}`;
}

/**
 * Splits a `scope`, expands `email` and `profile` to Google's URLs and drops repeats. Known: `openid`, an alias or a
 * googleapis.com auth URL (the fake cannot know every Google scope).
 */
export function parseGoogleScopes(scope: string): { valid: string[]; invalid: string[] } {
  const parsed = { valid: [] as string[], invalid: [] as string[] };
  for (const requested of scope.split(' ').filter((part) => part !== '')) {
    const expanded = ({ email: EMAIL_SCOPE, profile: PROFILE_SCOPE } as Record<string, string>)[requested] ?? requested;
    const isKnown = expanded === 'openid' || /^https:\/\/www\.googleapis\.com\/auth\/[a-z0-9._-]+$/i.test(expanded);
    const list = isKnown ? parsed.valid : parsed.invalid;
    if (!list.includes(expanded)) list.push(expanded);
  }
  return parsed;
}

/** Scopes as Google spells them (aliases expanded); a coded TypeError naming unknown ones. */
export function expandScopes(scopes: readonly string[], name = 'scopes'): string[] {
  const { valid, invalid } = parseGoogleScopes(scopes.join(' '));
  if (invalid.length > 0) throw invalidValue(`"${name}" has unknown scopes: ${invalid.join(', ')}`);
  return valid;
}

function withAccountDefaults(account: FakeGoogleAccountOptions, index: number): FakeGoogleAccount {
  const local = account.email.split('@')[0] ?? 'user';
  return {
    sub: `1${String(index + 1).padStart(20, '0')}`,
    name: local,
    givenName: local,
    familyName: '',
    picture: `https://lh3.googleusercontent.example/a/${encodeURIComponent(local)}`,
    isEmailVerified: true,
    ...account,
  };
}
