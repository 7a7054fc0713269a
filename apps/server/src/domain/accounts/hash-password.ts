import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt (RFC 7914) from node:crypto: memory-hard, no native dependency, and no 72-byte truncation as in bcrypt.
// N=2^15, r=8, p=1 is OWASP's recommended minimum; it costs about 32 MiB and tens of milliseconds per hash.
const COST = 2 ** 15;
const BLOCK_SIZE = 8;
const PARALLELIZATION = 1;
const KEY_LENGTH = 64;
const SALT_BYTES = 16;

function deriveKey(password: string, salt: Buffer, options: ScryptOptions & { N: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128 * N * r bytes, or Node refuses the parameters.
    const maxmem = 256 * options.N * (options.r ?? BLOCK_SIZE);
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { ...options, maxmem }, (error, key) =>
      error == null ? resolve(key) : reject(error),
    );
  });
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64url parts) so the parameters can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, { N: COST, r: BLOCK_SIZE, p: PARALLELIZATION });
  return ['scrypt', COST, BLOCK_SIZE, PARALLELIZATION, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Checks a password against a stored hash in constant time. A malformed stored hash never matches. */
export async function verifyPassword(password: string, storedHash: string): Promise<boolean> {
  const parts = storedHash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, cost, blockSize, parallelization, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await deriveKey(password, Buffer.from(salt, 'base64url'), {
    N: Number(cost),
    r: Number(blockSize),
    p: Number(parallelization),
  });
  return timingSafeEqual(actual, expected);
}

/**
 * A well-formed hash with the current parameters, verified against when an email is unknown so that a login for a
 * missing user takes as long as one with a wrong password (no user enumeration by timing): `verifyPassword` derives
 * a key with the same cost either way. Its hash part is random bytes rather than a derived key, which no password
 * matches any more than a random password's would, and costs no scrypt run (32 MiB, tens of milliseconds) while the
 * server starts (issue 22).
 */
export const DUMMY_PASSWORD_HASH = [
  'scrypt',
  COST,
  BLOCK_SIZE,
  PARALLELIZATION,
  randomBytes(SALT_BYTES).toString('base64url'),
  randomBytes(KEY_LENGTH).toString('base64url'),
].join('$');
