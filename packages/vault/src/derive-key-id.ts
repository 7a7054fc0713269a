import { createHash } from 'node:crypto';
import { CodedTypeError } from './coded-type-error.ts';

/** Domain separation, so the id can never equal a SHA-256 of the key computed for any other purpose. */
const KEY_ID_LABEL = 'pag-vault key id v1\0';

export const KEY_LENGTH_BYTES = 32;

/**
 * Derives the id a ciphertext carries from the key itself, so the same `GATEWAY_ENCRYPTION_KEY` always has the same
 * id on every machine and no registry of ids is needed. The id reveals 40 bits of a hash of a 256-bit random key,
 * which does not help an attacker guess it. Two keys sharing an id is possible in theory; decryption then fails with
 * `authentication_failed` rather than returning garbage.
 *
 * @see https://csrc.nist.gov/pubs/fips/180-4/upd1/final (SHA-256)
 */
export function deriveKeyId(key: Buffer): string {
  if (!Buffer.isBuffer(key)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"key" must be a Buffer' });
  }
  if (key.length !== KEY_LENGTH_BYTES) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"key" must be 32 bytes' });
  }
  return `k${createHash('sha256').update(KEY_ID_LABEL).update(key).digest('hex').slice(0, 10)}`;
}
