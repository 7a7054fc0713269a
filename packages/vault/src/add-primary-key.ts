import type { KeyFile } from './key-file.ts';
import { createKeyFileEntry } from './key-file.ts';
import { readKeyFile } from './read-key-file.ts';
import { writeKeyFile } from './write-key-file.ts';

/**
 * Generates a new random key and makes it the primary key of an existing key file, keeping the old keys so stored
 * tokens stay readable. This is step one of a rotation:
 * 1. `addPrimaryKey`: running servers start encrypting under the new key on their next write (they notice the file
 *    changed) and can already decrypt it.
 * 2. Re-encrypt every stored token with `vault.reencrypt`, then check that `vault.isUnderPrimaryKey` holds for all
 *    of them; repeat the pass if a server wrote under the old key while the first pass ran.
 * 3. `removeKey` for the old key.
 *
 * The file is re-read first and replaced atomically. Two rotations must not run at the same time: the later write
 * would drop the other's key. With `GATEWAY_ENCRYPTION_KEY` set, the env key stays primary and this key would only
 * be used for decryption, so rotate the env variable instead.
 *
 * @returns the key file as written; its `primaryKeyId` is the new key's id.
 */
export function addPrimaryKey(path: string): KeyFile {
  const current = readKeyFile(path);
  const entry = createKeyFileEntry();
  const next: KeyFile = { version: 1, primaryKeyId: entry.id, keys: [...current.keys, entry] };
  writeKeyFile({ path, keyFile: next, mode: 'replace' });
  return next;
}
