import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

// scrypt (RFC 7914) from node:crypto: memory-hard, no native dependency, and no 72-byte truncation as in bcrypt.
// N=2^15, r=8, p=1 is OWASP's recommended minimum; it costs about 32 MiB and tens of milliseconds per hash.
export const PASSWORD_HASH_COST = 2 ** 15;
let cost = PASSWORD_HASH_COST;
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

/**
 * Tests only (the server's test setup, src/test/test-file-setup.ts): the cost N of the hashes made from now on. Each
 * hash names its own parameters and is verified with them, so a user created at a low cost signs in through the same
 * code at that cost. The suites create and sign in users by the thousand, two hashes each, 100 ms and more apiece
 * on a busy machine, spent on nothing those tests check (hash-password.test.ts checks the real cost).
 */
export function setPasswordHashCostForTests(n: number): void {
  cost = n;
}

/** Hashes a password as `scrypt$N$r$p$salt$hash` (base64url parts) so the parameters can be raised later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, { N: cost, r: BLOCK_SIZE, p: PARALLELIZATION });
  return ['scrypt', cost, BLOCK_SIZE, PARALLELIZATION, salt.toString('base64url'), key.toString('base64url')].join('$');
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

const DUMMY_SALT = randomBytes(SALT_BYTES).toString('base64url');
const DUMMY_KEY = randomBytes(KEY_LENGTH).toString('base64url');

/**
 * A stored hash to verify against when an email is unknown, so that a login for a missing user takes as long as one
 * with a wrong password (no user enumeration by timing). Its key is random bytes, not derived from any password:
 * verifying costs one derivation at the current parameters, like a real hash, and never matches — without the
 * derivation a real hash would cost at every start of the server.
 */
export function dummyPasswordHash(): string {
  return ['scrypt', cost, BLOCK_SIZE, PARALLELIZATION, DUMMY_SALT, DUMMY_KEY].join('$');
}
