/**
 * Why a stored token could not be decrypted.
 * - `malformed`: the value is not a vault ciphertext (wrong prefix, part count, encoding or lengths).
 * - `unknown_key`: the ciphertext names a key id the keyring does not hold, even after a reload.
 * - `authentication_failed`: the GCM tag did not verify: the value was tampered with, copied from another row or
 *   column (a different context), or the key bytes under that id are wrong.
 */
export type TokenDecryptionErrorCode = 'malformed' | 'unknown_key' | 'authentication_failed';

export type TokenDecryptionErrorOptions = {
  code: TokenDecryptionErrorCode;
  message: string;
  /** The key id named by the ciphertext; undefined when the value was too malformed to name one. */
  keyId?: string | undefined;
  cause?: unknown;
};

/**
 * A stored token could not be turned back into plaintext. Messages name key ids and contexts, which are not
 * secret, but never the ciphertext, the plaintext or key bytes: a column holding a plaintext token by mistake
 * must not leak it through the error.
 */
export class TokenDecryptionError extends Error {
  override name = 'TokenDecryptionError';
  readonly code: TokenDecryptionErrorCode;
  readonly keyId: string | undefined;

  constructor(options: TokenDecryptionErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.keyId = options.keyId;
  }
}
