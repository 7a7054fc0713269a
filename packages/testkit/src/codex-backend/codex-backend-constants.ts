/**
 * Facts about chatgpt.com/backend-api that the fake reproduces, byte for byte where a source quotes them.
 * @see docs/codex-protocol.md §5.3, §7.1, §7.2
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

/**
 * Top-level fields the backend refuses with 400 "Unsupported parameter: <name>", in the order they are checked;
 * clients must strip them (docs/codex-protocol.md §5.3). How sure each one is:
 * - reported: `max_output_tokens` (widely, §5.3, §8.3 #4), `max_tokens`, `max_completion_tokens`, and
 *   `temperature` (issue 14 saw the real `{"detail":"Unsupported parameter: temperature"}`);
 * - decided: `top_p`, once only inferred from proxies stripping it with `temperature`, is treated as refused
 *   (§5.3 "Decision (ours)");
 * - inferred: `top_k`, `prompt_cache_retention`, `safety_identifier`, `stream_options`, `generate`, which proxies
 *   strip before every request (§5.3 "don't forward them"). Refusing them is the safe side for a fake: a client that
 *   passes them on would break the day the backend refuses them, if it does not already.
 */
export const DEFAULT_UNSUPPORTED_PARAMETERS: readonly string[] = [
  'max_output_tokens',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'prompt_cache_retention',
  'safety_identifier',
  'stream_options',
  'generate',
];

/** Function and custom tool names, and namespace names (§5.5): the OpenAI platform's pattern and length limit. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;
export const MAX_TOOL_NAME_LENGTH = 64;

/** `tool_choice` as a string; an object must name a function or custom tool of `tools` (§5.3: Codex sends `auto`). */
export const TOOL_CHOICE_MODES: readonly string[] = ['none', 'auto', 'required'];

/** `reasoning.summary` (§5.3); null or absent means no summary. */
export const REASONING_SUMMARIES: readonly string[] = ['auto', 'concise', 'detailed'];

/** `text.verbosity` (§5.3); null or absent means the model's default (§10: Codex sends the catalogue's default). */
export const TEXT_VERBOSITIES: readonly string[] = ['low', 'medium', 'high'];

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
