/**
 * Why the key file could not be used or changed.
 * - `not_found`: the file does not exist where it must (a reload, or a rotation command).
 * - `insecure_permissions`: group or other users may access it; we refuse rather than fix it silently.
 * - `malformed`: not valid JSON, or not the version-1 shape.
 * - `cannot_remove_primary`: `removeKey` was asked to remove the key new tokens are encrypted under.
 * - `key_not_found`: `removeKey` was asked to remove a key id the file does not hold.
 */
export type KeyFileErrorCode =
  | 'not_found'
  | 'insecure_permissions'
  | 'malformed'
  | 'cannot_remove_primary'
  | 'key_not_found';

export type KeyFileErrorOptions = {
  code: KeyFileErrorCode;
  path: string;
  message: string;
  cause?: unknown;
};

/** The key file is missing, unsafe, malformed, or cannot be changed as asked. Messages never hold key material. */
export class KeyFileError extends Error {
  override name = 'KeyFileError';
  readonly code: KeyFileErrorCode;
  readonly path: string;

  constructor(options: KeyFileErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.path = options.path;
  }
}
