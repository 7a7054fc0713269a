import { CodedTypeError } from '../coded-type-error.ts';
import type { FakeOpenAiAccessTokenStatus, FakeOpenAiIssuedTokens } from './create-fake-openai-auth-store.ts';
import { decideDeviceAuthorization } from './decide-device-authorization.ts';
import type { FakeOpenAiAccount } from './fake-openai-account.ts';
import { findFakeOpenAiAccount } from './fake-openai-account.ts';
import type { FakeOpenAiAuthContext } from './fake-openai-auth-context.ts';
import type { FakeOpenAiAuthModes } from './fake-openai-auth-modes.ts';
import { validateFakeOpenAiAuthModes } from './fake-openai-auth-modes.ts';
import type { FakeOpenAiRefreshAnswerQuirk } from './fake-openai-refresh-answer-quirk.ts';
import { validateRefreshAnswerQuirks } from './fake-openai-refresh-answer-quirk.ts';
import { DEFAULT_SCOPE } from './openai-auth-constants.ts';

export type FakeOpenAiDeviceDecisionOptions = {
  userCode: string;
  /** Email or ChatGPT account id; the first account when omitted. */
  account?: string;
};

export type MintFakeOpenAiTokensOptions = {
  /** Email or ChatGPT account id; the first account when omitted. */
  account?: string;
  /** Overrides the fake's access-token lifetime, e.g. 120 to land inside Codex's 5-minute refresh window. */
  accessTokenTtlSeconds?: number;
  scope?: string;
};

/** Test controls; the same operations are served over HTTP under `/__testkit/`. */
export type FakeOpenAiAuthHooks = {
  approveDevice(options: FakeOpenAiDeviceDecisionOptions): void;
  denyDevice(options: FakeOpenAiDeviceDecisionOptions): void;
  /** Every refresh token of the account (all accounts when omitted) now gets `refresh_token_invalidated`. */
  invalidateRefreshTokens(account?: string): number;
  /** Every refresh token of the account (all accounts when omitted) now gets `refresh_token_expired`. */
  expireRefreshTokens(account?: string): number;
  setModes(modes: Partial<FakeOpenAiAuthModes>): FakeOpenAiAuthModes;
  readonly modes: Readonly<FakeOpenAiAuthModes>;
  /** Every token response handed out, oldest first, with each refresh token's current status. */
  readonly issuedTokens: FakeOpenAiIssuedTokens[];
  /** A signed-in token set without the browser dance, e.g. to seed a Codex `auth.json`. */
  mintTokens(options?: MintFakeOpenAiTokensOptions): Promise<FakeOpenAiIssuedTokens>;
  /**
   * Reshapes the next successful refresh answer (one call, one answer; calls queue up). The refresh token rotates
   * as usual, so a client that refuses the answer and drops the new refresh token meets `refresh_token_reused`.
   */
  quirkNextRefreshAnswer(quirks: readonly FakeOpenAiRefreshAnswerQuirk[]): void;
  /** Whether an access token is still good: `revoked` once its family is (revocation, reuse of a refresh token). */
  accessTokenStatus(accessToken: string): FakeOpenAiAccessTokenStatus;
};

export function createFakeOpenAiAuthHooks(context: FakeOpenAiAuthContext): FakeOpenAiAuthHooks {
  const { store } = context;

  const resolveAccount = (selector: string | undefined): FakeOpenAiAccount | undefined => {
    if (selector == null) return undefined;
    const account = findFakeOpenAiAccount({ accounts: context.accounts, selector });
    if (account == null) throw invalidValue(`"account" ${JSON.stringify(selector)} is not a known email or account id`);
    return account;
  };

  const decide = (options: FakeOpenAiDeviceDecisionOptions, decision: 'approve' | 'deny') => {
    if (typeof options?.userCode !== 'string') {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"userCode" must be a string' });
    }
    const result = decideDeviceAuthorization({
      store,
      accounts: context.accounts,
      userCode: options.userCode,
      decision,
      ...(options.account == null ? {} : { account: options.account }),
    });
    if (!result.ok) throw invalidValue(`"userCode" ${options.userCode}: ${result.message}`);
  };

  return {
    approveDevice: (options) => decide(options, 'approve'),
    denyDevice: (options) => decide(options, 'deny'),
    invalidateRefreshTokens: (account) =>
      store.updateFamilies({ account: resolveAccount(account), change: 'invalidate' }),
    expireRefreshTokens: (account) => store.updateFamilies({ account: resolveAccount(account), change: 'expire' }),
    setModes(modes) {
      Object.assign(store.modes, validateFakeOpenAiAuthModes(modes));
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
      const family = store.createFamily({ account, scope: options.scope ?? DEFAULT_SCOPE, authTime: store.now() });
      return store.issueTokens({ family, grant: 'minted', ...(ttl == null ? {} : { accessTokenTtlSeconds: ttl }) });
    },
    quirkNextRefreshAnswer(quirks) {
      store.queueRefreshAnswerQuirks(validateRefreshAnswerQuirks(quirks));
    },
    accessTokenStatus(accessToken) {
      if (typeof accessToken !== 'string') {
        throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"accessToken" must be a string' });
      }
      return store.accessTokenStatus(accessToken);
    },
  };
}

function invalidValue(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message });
}
