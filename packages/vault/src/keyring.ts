import { CodedTypeError } from './coded-type-error.ts';
import { KEY_LENGTH_BYTES } from './derive-key-id.ts';

/** The keys a vault can decrypt with, and the one it encrypts under. */
export type Keyring = {
  /** Id of the key new ciphertexts are encrypted under; must be present in `keys`. */
  readonly primaryKeyId: string;
  /** Every key that may still appear in stored ciphertexts, by id. Each key is 32 bytes (AES-256). */
  readonly keys: ReadonlyMap<string, Buffer>;
};

/** Ids sit between dots in the ciphertext format, so they must not contain one. */
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Throws a coded `TypeError` naming the offending field when `keyring` cannot be used. */
export function assertKeyring(keyring: Keyring): void {
  if (keyring == null || typeof keyring !== 'object') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"keyring" must be an object' });
  }
  if (!(keyring.keys instanceof Map)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"keyring.keys" must be a Map' });
  }
  for (const [id, key] of keyring.keys) {
    if (typeof id !== 'string' || !KEY_ID_PATTERN.test(id)) {
      throw new CodedTypeError({
        code: 'ERR_INVALID_ARG_VALUE',
        message: '"keyring.keys" ids must be 1-64 characters of A-Z, a-z, 0-9, "_" or "-"',
      });
    }
    if (!Buffer.isBuffer(key) || key.length !== KEY_LENGTH_BYTES) {
      throw new CodedTypeError({
        code: 'ERR_INVALID_ARG_VALUE',
        message: `"keyring.keys" entry "${id}" must be a ${KEY_LENGTH_BYTES}-byte Buffer`,
      });
    }
  }
  if (typeof keyring.primaryKeyId !== 'string' || !keyring.keys.has(keyring.primaryKeyId)) {
    throw new CodedTypeError({
      code: 'ERR_INVALID_ARG_VALUE',
      message: '"keyring.primaryKeyId" must name a key in "keyring.keys"',
    });
  }
}

/**
 * A keyring that can change while the process runs, such as `KeyringSource` over the key file. A `Vault` built on
 * one encrypts under the newest primary and reloads once when it meets a key id it does not know, which is how a
 * running server follows a rotation done by the CLI.
 */
export type ReloadableKeyring = {
  /** The keyring as last loaded. */
  readonly keyring: Keyring;
  /** Loads the keyring again, unconditionally. */
  reload(): Keyring;
  /** Loads the keyring again only if its backing file changed since the last load; cheap enough to call per write. */
  reloadIfChanged(): Keyring;
};
