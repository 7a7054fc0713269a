import type { KeyFile } from './key-file.ts';
import { createKeyFileEntry } from './key-file.ts';
import { KeyFileError } from './key-file-error.ts';
import { assertKeyFilePath, readKeyFile } from './read-key-file.ts';
import { writeKeyFile } from './write-key-file.ts';

/**
 * Reads the key file, creating it with one random key (mode 0600, parent directory 0700) if it does not exist.
 * Safe when several processes start at once: creation is exclusive, and every process then reads back whichever file
 * won, so all of them use the same single key. An existing file is never changed: one with group or other permission
 * bits is refused (`insecure_permissions`), an invalid one is reported (`malformed`).
 */
export function loadOrCreateKeyFile(path: string): KeyFile {
  assertKeyFilePath(path);
  try {
    return readKeyFile(path);
  } catch (error) {
    if (!(error instanceof KeyFileError && error.code === 'not_found')) throw error;
  }
  const entry = createKeyFileEntry();
  writeKeyFile({ path, keyFile: { version: 1, primaryKeyId: entry.id, keys: [entry] }, mode: 'create' });
  // Read back even when we created it: if another process won the race, its key is the one on disk.
  return readKeyFile(path);
}
