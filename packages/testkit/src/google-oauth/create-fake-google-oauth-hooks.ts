import { CodedTypeError } from '../coded-type-error.ts';
import type { FakeGoogleAccessTokenInfo, FakeGoogleIssuedTokens } from './create-fake-google-oauth-store.ts';
import { approveAuthorization, denyAuthorization } from './decide-google-authorization.ts';
import type { FakeGoogleAccount } from './fake-google-account.ts';
import { findFakeGoogleAccount } from './fake-google-account.ts';
import type { FakeGoogleClient } from './fake-google-client.ts';
import { validateFakeGoogleClient } from './fake-google-client.ts';
import type { FakeGoogleOAuthContext } from './fake-google-oauth-context.ts';
import type { FakeGoogleOAuthModes } from './fake-google-oauth-modes.ts';
import { validateFakeGoogleOAuthModes } from './fake-google-oauth-modes.ts';
import { USERINFO_EMAIL_SCOPE } from './google-oauth-constants.ts';
import { parseGoogleScopes } from './parse-google-scopes.ts';

/** A sign-in waiting on the consent page. */
export type FakeGooglePendingConsent = {
  session: string;
  clientId: string;
  redirectUri: string;
  state: string;
  scopes: string[];
  /** Null when the request had none (null rather than undefined, so it survives JSON). */
  loginHint: string | null;
};

export type FakeGoogleConsentDecisionOptions = {
  /** The pending session; the newest one when omitted. */
  session?: string;
  /** Email or `sub` (approve only); the `login_hint` account, else the first, when omitted. */
  account?: string;
  /** Approve only: the optional scopes left ticked (granular consent). All of them when omitted. */
  scopes?: readonly string[];
};

export type MintFakeGoogleTokensOptions = {
  /** Email or `sub`; the first account when omitted. */
  account?: string;
  /** The first registered client when omitted. */
  clientId?: string;
  /** Default: `openid`, the email scope and the required scopes. Aliases (`email`, `profile`) are expanded. */
  scopes?: readonly string[];
  /** Overrides the current `accessTokenTtlSeconds` mode for this token. */
  accessTokenTtlSeconds?: number;
};

/** Test controls; the same operations are served over HTTP under `/__testkit/`. */
export type FakeGoogleOAuthHooks = {
  /** Approves a sign-in waiting on the consent page, as a click would; returns the callback URL Google redirects to. */
  approveConsent(options?: FakeGoogleConsentDecisionOptions): { location: string };
  /** Cancels a waiting sign-in: the callback URL carries `error=access_denied`. */
  denyConsent(options?: Pick<FakeGoogleConsentDecisionOptions, 'session'>): { location: string };
  readonly pendingConsents: FakeGooglePendingConsent[];
  /** Adds or replaces a client registration (id, secret, exact redirect URIs). */
  registerClient(client: FakeGoogleClient): void;
  readonly clients: FakeGoogleClient[];
  /** Ends every grant of the account (all accounts when omitted), as removing the app in account settings does. */
  revokeAll(account?: string): number;
  /** Every access token of the account (all when omitted) stops verifying; refresh still works. */
  expireAccessTokens(account?: string): number;
  /** Every refresh token of the account (all when omitted) now gets `invalid_grant`. */
  expireRefreshTokens(account?: string): number;
  setModes(modes: Partial<FakeGoogleOAuthModes>): FakeGoogleOAuthModes;
  readonly modes: Readonly<FakeGoogleOAuthModes>;
  /** Every token response handed out, oldest first. */
  readonly issuedTokens: FakeGoogleIssuedTokens[];
  /** A signed-in token set (with a refresh token) without the browser dance, e.g. to seed a linked account. */
  mintTokens(options?: MintFakeGoogleTokensOptions): Promise<FakeGoogleIssuedTokens>;
  /** What a fake Gemini API asks: whose live access token this is, with which scopes; null if unknown or dead. */
  verifyAccessToken(token: string): FakeGoogleAccessTokenInfo | null;
};

export function createFakeGoogleOAuthHooks(context: FakeGoogleOAuthContext): FakeGoogleOAuthHooks {
  const { store } = context;

  const resolveAccount = (selector: string | undefined): FakeGoogleAccount | undefined => {
    if (selector == null) return undefined;
    const account = findFakeGoogleAccount({ accounts: context.accounts, selector });
    if (account == null) throw invalidValue(`"account" ${JSON.stringify(selector)} is not a known email or sub`);
    return account;
  };
  const takeSession = (session: string | undefined) => {
    const found = store.findAuthorizeSession(session);
    if (found == null) {
      throw invalidValue(
        session == null ? 'no sign-in is waiting for consent' : `"session" ${JSON.stringify(session)} is not pending`,
      );
    }
    store.takeAuthorizeSession(found.id);
    return found;
  };

  return {
    approveConsent(options = {}) {
      if (options.scopes != null && !Array.isArray(options.scopes)) {
        throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"scopes" must be an array of strings' });
      }
      const explicit = resolveAccount(options.account);
      const session = takeSession(options.session);
      const account =
        explicit ??
        findFakeGoogleAccount({ accounts: context.accounts, selector: session.loginHint }) ??
        context.accounts[0];
      if (account == null) throw invalidValue('the fake has no accounts');
      const grantedScopes =
        options.scopes == null ? undefined : expandScopes(options.scopes.filter((scope) => typeof scope === 'string'));
      return { location: approveAuthorization({ context, session, account, grantedScopes }) };
    },
    denyConsent(options = {}) {
      return { location: denyAuthorization({ session: takeSession(options.session) }) };
    },
    get pendingConsents() {
      return store.pendingSessions.map((session) => ({
        session: session.id,
        clientId: session.clientId,
        redirectUri: session.redirectUri,
        state: session.state,
        scopes: [...session.scopes],
        loginHint: session.loginHint ?? null,
      }));
    },
    registerClient(client) {
      store.registerClient(validateFakeGoogleClient(client));
    },
    get clients() {
      return store.clients;
    },
    revokeAll: (account) => store.updateGrants({ account: resolveAccount(account), change: 'revoke' }),
    expireAccessTokens: (account) =>
      store.updateGrants({ account: resolveAccount(account), change: 'expire-access-tokens' }),
    expireRefreshTokens: (account) =>
      store.updateGrants({ account: resolveAccount(account), change: 'expire-refresh-tokens' }),
    setModes(modes) {
      Object.assign(store.modes, validateFakeGoogleOAuthModes(modes));
      return { ...store.modes };
    },
    get modes() {
      return { ...store.modes };
    },
    get issuedTokens() {
      return store.issuedTokens;
    },
    async mintTokens(options = {}) {
      const ttl = options.accessTokenTtlSeconds;
      if (ttl != null && !(Number.isInteger(ttl) && ttl > 0)) {
        throw invalidValue('"accessTokenTtlSeconds" must be a positive integer');
      }
      const account = resolveAccount(options.account) ?? context.accounts[0];
      if (account == null) throw invalidValue('the fake has no accounts');
      const client = options.clientId == null ? store.clients[0] : store.findClient(options.clientId);
      if (client == null) throw invalidValue(`"clientId" ${JSON.stringify(options.clientId)} is not registered`);
      const scopes = expandScopes(options.scopes ?? ['openid', USERINFO_EMAIL_SCOPE, ...context.requiredScopes]);
      store.recordConsent(client.clientId, account);
      const grant = store.createGrant({ clientId: client.clientId, account, scopes });
      return store.issueTokens({
        grant,
        kind: 'minted',
        shouldIssueRefreshToken: true,
        ...(ttl == null ? {} : { accessTokenTtlSeconds: ttl }),
      });
    },
    verifyAccessToken(token) {
      if (typeof token !== 'string') {
        throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"token" must be a string' });
      }
      return store.verifyAccessToken(token);
    },
  };
}

function expandScopes(scopes: readonly string[]): string[] {
  const parsed = parseGoogleScopes(scopes.join(' '));
  if (parsed.kind === 'invalid') throw invalidValue(`"scopes" has unknown scopes: ${parsed.invalid.join(', ')}`);
  return parsed.scopes;
}

function invalidValue(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message });
}
