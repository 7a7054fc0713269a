/** Why pasted sign-in input was refused; `message` tells the user what to paste instead. */
export class CallbackInputError extends Error {
  override name = 'CallbackInputError';
  readonly reason: 'empty' | 'not_a_callback' | 'malformed_code' | 'malformed_state' | 'authorization_error';

  constructor(reason: CallbackInputError['reason'], message: string) {
    super(message);
    this.reason = reason;
  }
}

export type CallbackInput = { code: string; state: string | null };

/** Codes seen in the wild look like `ac_XXXX.YYYY`; anything outside URL-safe characters is not a code. */
const CODE_PATTERN = /^[A-Za-z0-9._~-]{8,2048}$/;
const STATE_PATTERN = /^[A-Za-z0-9._~-]{1,512}$/;
const MAX_INPUT_LENGTH = 8192;

/**
 * Reads what a user pasted after signing in on another machine: the whole address-bar URL
 * (`http://127.0.0.1:1455/auth/callback?code=…&state=…`), the query string alone, `code#state`, or a bare code
 * (docs/codex-protocol.md §1.5). Throws a {@link CallbackInputError} saying what to paste when it is none of these.
 */
export function parseCodexCallbackInput(rawInput: string): CallbackInput {
  const input = rawInput.trim();
  if (input === '') throw new CallbackInputError('empty', 'Paste the address your browser showed after signing in.');
  if (input.length > MAX_INPUT_LENGTH) {
    throw new CallbackInputError('not_a_callback', 'That is far too long to be the sign-in address.');
  }

  let parameters: URLSearchParams | null = null;
  if (/^https?:\/\//i.test(input)) {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new CallbackInputError(
        'not_a_callback',
        'That is not a valid URL: copy the whole address from the browser.',
      );
    }
    if (url.pathname.endsWith('/oauth/authorize')) {
      throw new CallbackInputError(
        'not_a_callback',
        'That is the sign-in link itself. Open it, sign in, then paste the address the browser ends up on.',
      );
    }
    parameters = url.searchParams;
  } else if (/(^|[?&])(code|error)=/.test(input)) {
    parameters = new URLSearchParams(input.replace(/^\?/, ''));
  }

  if (parameters != null) {
    const error = parameters.get('error');
    if (error != null) {
      const description = parameters.get('error_description');
      throw new CallbackInputError(
        'authorization_error',
        `The sign-in was not completed: ${description ?? error}${description?.includes('missing_codex_entitlement') ? ' (Codex is not enabled for this workspace)' : ''}.`,
      );
    }
    const code = parameters.get('code');
    if (code == null) {
      throw new CallbackInputError(
        'not_a_callback',
        'That address has no "code": paste the one shown after signing in.',
      );
    }
    return { code: checkCode(code), state: checkState(parameters.get('state')) };
  }

  const hash = input.indexOf('#');
  if (hash >= 0) {
    return { code: checkCode(input.slice(0, hash)), state: checkState(input.slice(hash + 1)) };
  }
  return { code: checkCode(input), state: null };
}

function checkCode(code: string): string {
  if (!CODE_PATTERN.test(code)) {
    throw new CallbackInputError(
      'malformed_code',
      'The code in that input is malformed: copy the whole address again.',
    );
  }
  return code;
}

function checkState(state: string | null): string | null {
  if (state == null || state === '') return null;
  if (!STATE_PATTERN.test(state)) {
    throw new CallbackInputError(
      'malformed_state',
      'The state in that input is malformed: copy the whole address again.',
    );
  }
  return state;
}
