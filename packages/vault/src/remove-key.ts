import { CodedTypeError } from './coded-type-error.ts';
import type { KeyFile } from './key-file.ts';
import { KeyFileError } from './key-file-error.ts';
import { readKeyFile } from './read-key-file.ts';
import { writeKeyFile } from './write-key-file.ts';

export type RemoveKeyOptions = {
  path: string;
  keyId: string;
};

/**
 * Removes a key that is no longer primary from the key file: the last step of a rotation, once no stored token is
 * encrypted under it (see `addPrimaryKey`). Tokens still under the key become unreadable, with `unknown_key`.
 * The file is re-read first and replaced atomically. Throws `KeyFileError` with code `cannot_remove_primary` for the
 * primary key and `key_not_found` for an id the file does not hold.
 *
 * @returns the key file as written.
 */
export function removeKey(options: RemoveKeyOptions): KeyFile {
  const { path, keyId } = options;
  if (typeof keyId !== 'string' || keyId === '') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"keyId" must be a non-empty string' });
  }
  const current = readKeyFile(path);
  if (keyId === current.primaryKeyId) {
    throw new KeyFileError({
      code: 'cannot_remove_primary',
      path,
      message: `Key "${keyId}" is the primary key of ${path}; add a new primary key before removing it`,
    });
  }
  if (!current.keys.some((entry) => entry.id === keyId)) {
    throw new KeyFileError({ code: 'key_not_found', path, message: `Key file ${path} has no key "${keyId}"` });
  }
  const next: KeyFile = { ...current, keys: current.keys.filter((entry) => entry.id !== keyId) };
  writeKeyFile({ path, keyFile: next, mode: 'replace' });
  return next;
}
