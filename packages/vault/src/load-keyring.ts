import { CodedTypeError } from './coded-type-error.ts';
import { deriveKeyId, KEY_LENGTH_BYTES } from './derive-key-id.ts';
import type { KeyFile } from './key-file.ts';
import { keyringFromKeyFile } from './key-file.ts';
import { KeyFileError } from './key-file-error.ts';
import type { Keyring } from './keyring.ts';
import { loadOrCreateKeyFile } from './load-or-create-key-file.ts';
import { readKeyFile } from './read-key-file.ts';

export type LoadKeyringOptions = {
  /** The 32-byte key from `GATEWAY_ENCRYPTION_KEY`, or null when it is not set. */
  envKey: Buffer | null;
  /** Where the key file lives (or will be created), normally inside the data directory. */
  keyFilePath: string;
  /**
   * Whether to create the key file when there is no env key and no file. Defaults to true; a reload or a CLI command
   * passes false so a deleted file is reported instead of silently replaced by a key that reads nothing.
   */
  shouldCreateKeyFile?: boolean;
};

function readKeyFileIfPresent(path: string): KeyFile | undefined {
  try {
    return readKeyFile(path);
  } catch (error) {
    if (error instanceof KeyFileError && error.code === 'not_found') return undefined;
    throw error;
  }
}

/**
 * Builds the keyring the gateway runs with.
 * - With an env key: that key is primary, and every key in the key file, if one exists, is added for decryption
 *   only. Moving from the key file to `GATEWAY_ENCRYPTION_KEY` thus keeps old tokens readable until they are
 *   re-encrypted (the gateway only lets its key rotation run in that state, not the server). An unsafe or
 *   malformed key file is still an error rather than ignored.
 * - Without one: the key file, created with a fresh key if absent (unless `shouldCreateKeyFile` is false).
 */
export function loadKeyring(options: LoadKeyringOptions): Keyring {
  const { envKey, keyFilePath, shouldCreateKeyFile = true } = options;
  if (envKey == null) {
    return keyringFromKeyFile(shouldCreateKeyFile ? loadOrCreateKeyFile(keyFilePath) : readKeyFile(keyFilePath));
  }
  if (!Buffer.isBuffer(envKey)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"envKey" must be a Buffer or null' });
  }
  if (envKey.length !== KEY_LENGTH_BYTES) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `"envKey" must be ${KEY_LENGTH_BYTES} bytes` });
  }
  const primaryKeyId = deriveKeyId(envKey);
  const keys = new Map<string, Buffer>([[primaryKeyId, envKey]]);
  for (const entry of readKeyFileIfPresent(keyFilePath)?.keys ?? []) {
    if (!keys.has(entry.id)) keys.set(entry.id, entry.key);
  }
  return { primaryKeyId, keys };
}
