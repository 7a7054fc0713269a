import { CodedTypeError } from '../coded-type-error.ts';
import { DEFAULT_ACCESS_TOKEN_TTL_SECONDS } from './google-oauth-constants.ts';

/** Behaviour switches a test can flip at run time (JS handle or `POST /__testkit/modes`). */
export type FakeGoogleOAuthModes = {
  /** Authorize redirects at once (for the `login_hint` account, else the first), without the consent page. */
  autoApprove: boolean;
  /** Every approval ends in `error=access_denied`, as when the user clicks Cancel on Google's consent screen. */
  isConsentDenied: boolean;
  /**
   * Google keeps the refresh token on refresh and sends none back (docs/google-protocol.md §1.4). True makes the fake
   * rotate instead, so a client's "store a new one if one is returned" path can be tested.
   */
  shouldRotateRefreshTokens: boolean;
  /** `expires_in` of new access tokens. Lower it to land inside a client's refresh window (§5.1). */
  accessTokenTtlSeconds: number;
};

export const DEFAULT_FAKE_GOOGLE_OAUTH_MODES: Readonly<FakeGoogleOAuthModes> = {
  autoApprove: false,
  isConsentDenied: false,
  shouldRotateRefreshTokens: false,
  accessTokenTtlSeconds: DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
};

const VALIDATORS: { [Key in keyof FakeGoogleOAuthModes]: (value: unknown) => boolean } = {
  autoApprove: (value) => typeof value === 'boolean',
  isConsentDenied: (value) => typeof value === 'boolean',
  shouldRotateRefreshTokens: (value) => typeof value === 'boolean',
  accessTokenTtlSeconds: (value) => Number.isInteger(value) && (value as number) > 0,
};

/** Checks a partial update; throws a coded TypeError naming the first bad key. */
export function validateFakeGoogleOAuthModes(update: unknown): Partial<FakeGoogleOAuthModes> {
  if (update == null || typeof update !== 'object' || Array.isArray(update)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"modes" must be an object' });
  }
  for (const [key, value] of Object.entries(update)) {
    const validate = VALIDATORS[key as keyof FakeGoogleOAuthModes];
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
  return update as Partial<FakeGoogleOAuthModes>;
}
