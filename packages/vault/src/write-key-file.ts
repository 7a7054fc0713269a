import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { KeyFile } from './key-file.ts';
import { serializeKeyFile } from './key-file.ts';

export type WriteKeyFileOptions = {
  path: string;
  keyFile: KeyFile;
  /**
   * `create` succeeds only if no file exists yet (returns false otherwise); `replace` swaps the file in atomically.
   */
  mode: 'create' | 'replace';
};

function fsyncDirectory(directory: string): void {
  // Makes the new directory entry durable. Windows cannot open a directory, and losing this only risks the rename
  // after a power cut, so failure is ignored.
  try {
    const descriptor = openSync(directory, 'r');
    try {
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
  } catch {}
}

/**
 * Writes the key file so readers only ever see a complete file: the content goes to a temporary file (mode 0600)
 * in the same directory, is flushed, then is linked (`create`) or renamed (`replace`) into place. `link` fails with
 * EEXIST if another process created the file first, which makes creation race-free. The parent directory is created
 * with mode 0700 if missing.
 *
 * @see https://pubs.opengroup.org/onlinepubs/9799919799/functions/link.html (link fails with EEXIST)
 * @see https://pubs.opengroup.org/onlinepubs/9799919799/functions/rename.html (rename replaces atomically)
 */
export function writeKeyFile(options: WriteKeyFileOptions): boolean {
  const directory = dirname(options.path);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const temporaryPath = join(
    directory,
    `.${basename(options.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    const descriptor = openSync(temporaryPath, 'wx', 0o600);
    try {
      // The umask may have removed bits from 0600 but never adds any; set it exactly so the owner can rotate later.
      fchmodSync(descriptor, 0o600);
      writeSync(descriptor, serializeKeyFile(options.keyFile));
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    if (options.mode === 'create') {
      try {
        linkSync(temporaryPath, options.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw error;
      }
    } else {
      renameSync(temporaryPath, options.path);
    }
    fsyncDirectory(directory);
    return true;
  } finally {
    rmSync(temporaryPath, { force: true });
  }
}
