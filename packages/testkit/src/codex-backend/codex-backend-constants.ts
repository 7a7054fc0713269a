/**
 * Facts about chatgpt.com/backend-api that the fake reproduces, byte for byte where a source quotes them.
 * @see /work/shared/reference/codex-protocol.md §5.3, §7.1, §7.2
 */

/** Everything the fake serves lives under this prefix, so a client's base URL is `<fake>/backend-api`. */
export const CODEX_BACKEND_PREFIX = '/backend-api';

export const CODEX_RESPONSES_PATH = `${CODEX_BACKEND_PREFIX}/codex/responses`;
export const CODEX_MODELS_PATH = `${CODEX_BACKEND_PREFIX}/codex/models`;
export const WHAM_USAGE_PATH = `${CODEX_BACKEND_PREFIX}/wham/usage`;

export const STORE_MUST_BE_FALSE = 'Store must be set to false';
export const STREAM_MUST_BE_TRUE = 'Stream must be set to true';
export const INSTRUCTIONS_ARE_REQUIRED = 'Instructions are required';
export const INPUT_MUST_BE_A_LIST = 'Input must be a list';

/** The backend rejects these (§5.3); clients must strip them. */
export const DEFAULT_UNSUPPORTED_PARAMETERS: readonly string[] = [
  'max_output_tokens',
  'max_tokens',
  'max_completion_tokens',
];

export function unsupportedParameterMessage(name: string): string {
  return `Unsupported parameter: ${name}`;
}

export function modelNotSupportedMessage(model: string): string {
  return `The '${model}' model is not supported when using Codex with a ChatGPT account.`;
}

/** With `store: false` nothing is persisted, so an id that must be looked up cannot be found (§7.1, §10). */
export function itemNotFoundMessage(id: string): string {
  return (
    `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. ` +
    'Try again with `store` set to true, or remove this item from your input.'
  );
}

/** §7.2, including the `eligible_promo: null` the real body carries. */
export const USAGE_LIMIT_MESSAGE = 'The usage limit has been reached';

/** The wording clients key on for a 401 (the CLI ignores the body and refreshes). */
export const TOKEN_EXPIRED_MESSAGE = 'Provided authentication token is expired. Please try signing in again.';
export const TOKEN_INVALIDATED_MESSAGE = 'Your authentication token has been invalidated. Please try signing in again.';
