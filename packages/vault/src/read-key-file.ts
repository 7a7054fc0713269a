import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { CodedTypeError } from './coded-type-error.ts';
import type { KeyFile } from './key-file.ts';
import { parseKeyFile } from './key-file.ts';
import { KeyFileError } from './key-file-error.ts';

/** Permission bits for group and other users; any of them set means someone besides the owner can reach the keys. */
const GROUP_OTHER_BITS = 0o077;

export function assertKeyFilePath(path: string): void {
  if (typeof path !== 'string') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"path" must be a string' });
  }
  if (path === '') throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"path" must not be empty' });
}

function isNodeError(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

/**
 * Reads, checks and parses the key file. Throws `KeyFileError` with code `not_found`, `insecure_permissions` (group
 * or other permission bits set) or `malformed`. Permissions are checked on the opened descriptor, so the file read is
 * the file checked. They are not checked on Windows, where POSIX mode bits do not describe access.
 */
export function readKeyFile(path: string): KeyFile {
  assertKeyFilePath(path);
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch (error) {
    if (!isNodeError(error, 'ENOENT')) throw error;
    throw new KeyFileError({ code: 'not_found', path, message: `Key file ${path} does not exist`, cause: error });
  }
  try {
    const stats = fstatSync(descriptor);
    if (!stats.isFile()) {
      throw new KeyFileError({ code: 'malformed', path, message: `Key file ${path} is not a regular file` });
    }
    const permissions = stats.mode & 0o777;
    if (process.platform !== 'win32' && (permissions & GROUP_OTHER_BITS) !== 0) {
      // Refuse rather than chmod: the keys may already have been exposed, and the operator should know.
      throw new KeyFileError({
        code: 'insecure_permissions',
        path,
        message:
          `Key file ${path} has mode ${permissions.toString(8).padStart(4, '0')}, so other users can access the ` +
          `encryption keys. Run \`chmod 600 ${path}\` and start again.`,
      });
    }
    return parseKeyFile({ path, text: readFileSync(descriptor, 'utf8') });
  } finally {
    closeSync(descriptor);
  }
}
