import { CodedTypeError } from '../coded-type-error.ts';

/**
 * A way one refresh answer may differ from the fake's usual one: each is something the official client takes in its
 * stride (it only decodes the tokens' claims and overwrites only the fields present, docs/codex-protocol.md §3,
 * §4.2) but a spec-strict OAuth/OIDC client refuses. The refresh token still rotates, so a client that refuses the
 * answer and drops the new refresh token gets `refresh_token_reused` on its next try.
 */
export type FakeOpenAiRefreshAnswerQuirk =
  /** The id_token's `aud` names another client. */
  | 'id-token-for-another-audience'
  /** `token_type: "bearer"`. */
  | 'lowercase-token-type'
  | 'no-token-type'
  | 'no-access-token'
  | 'no-id-token'
  | 'no-expires-in';

export const FAKE_OPENAI_REFRESH_ANSWER_QUIRKS: readonly FakeOpenAiRefreshAnswerQuirk[] = [
  'id-token-for-another-audience',
  'lowercase-token-type',
  'no-token-type',
  'no-access-token',
  'no-id-token',
  'no-expires-in',
];

/** The `aud` of an id_token under `id-token-for-another-audience`. */
export const ANOTHER_CLIENT_ID = 'app_SomeOtherClient00000000';

/** Checks a list of quirks for one answer; throws a coded TypeError naming the first bad entry. */
export function validateRefreshAnswerQuirks(quirks: unknown): FakeOpenAiRefreshAnswerQuirk[] {
  if (!Array.isArray(quirks) || quirks.length === 0) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"quirks" must be a non-empty array' });
  }
  for (const quirk of quirks) {
    if (!FAKE_OPENAI_REFRESH_ANSWER_QUIRKS.includes(quirk)) {
      throw new CodedTypeError({
        code: 'ERR_INVALID_ARG_VALUE',
        message: `"quirks" has an unknown quirk ${JSON.stringify(quirk)}; known: ${FAKE_OPENAI_REFRESH_ANSWER_QUIRKS.join(', ')}`,
      });
    }
  }
  return [...quirks];
}

/** Reshapes a full token answer; `id-token-for-another-audience` is applied when minting, not here. */
export function applyRefreshAnswerQuirks(options: {
  body: Record<string, unknown>;
  quirks: readonly FakeOpenAiRefreshAnswerQuirk[];
}): Record<string, unknown> {
  const body = { ...options.body };
  for (const quirk of options.quirks) {
    if (quirk === 'lowercase-token-type') body.token_type = 'bearer';
    else if (quirk === 'no-token-type') delete body.token_type;
    else if (quirk === 'no-access-token') delete body.access_token;
    else if (quirk === 'no-id-token') delete body.id_token;
    else if (quirk === 'no-expires-in') delete body.expires_in;
  }
  return body;
}
