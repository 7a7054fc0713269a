import { CodedTypeError } from '../coded-type-error.ts';

/** Behaviour switches a test can flip at run time (JS handle or `POST /__testkit/modes`). */
export type FakeOpenAiAuthModes = {
  /** Authorize redirects at once for the first account, without the consent page. */
  autoApprove: boolean;
  /**
   * Approval ends in `error=access_denied&error_description=missing_codex_entitlement`, as for a workspace without
   * Codex (docs/codex-protocol.md §1.4).
   */
  isCodexEntitlementMissing: boolean;
  /** Status for `refresh_token_reused`: 401 as observed, or 400 as also seen since openai/codex#24830. */
  refreshTokenReusedStatus: 401 | 400;
  /** False answers 404 on the device endpoints, as a server without device login does. */
  deviceCodeEnabled: boolean;
  /** 403 is the real pending answer; Codex also treats 404 as pending. */
  devicePendingStatus: 403 | 404;
};

export const DEFAULT_FAKE_OPENAI_AUTH_MODES: Readonly<FakeOpenAiAuthModes> = {
  autoApprove: false,
  isCodexEntitlementMissing: false,
  refreshTokenReusedStatus: 401,
  deviceCodeEnabled: true,
  devicePendingStatus: 403,
};

const VALIDATORS: { [Key in keyof FakeOpenAiAuthModes]: (value: unknown) => boolean } = {
  autoApprove: (value) => typeof value === 'boolean',
  isCodexEntitlementMissing: (value) => typeof value === 'boolean',
  refreshTokenReusedStatus: (value) => value === 401 || value === 400,
  deviceCodeEnabled: (value) => typeof value === 'boolean',
  devicePendingStatus: (value) => value === 403 || value === 404,
};

/** Checks a partial update; throws a coded TypeError naming the first bad key. */
export function validateFakeOpenAiAuthModes(update: unknown): Partial<FakeOpenAiAuthModes> {
  if (update == null || typeof update !== 'object' || Array.isArray(update)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"modes" must be an object' });
  }
  for (const [key, value] of Object.entries(update)) {
    const validate = VALIDATORS[key as keyof FakeOpenAiAuthModes];
    if (validate == null) {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"modes.${key}" is not a mode` });
    }
    if (!validate(value)) {
      throw new CodedTypeError({
        code: 'ERR_INVALID_ARG_VALUE',
        message: `"modes.${key}" has an invalid value ${JSON.stringify(value)}`,
      });
    }
  }
  return update as Partial<FakeOpenAiAuthModes>;
}
