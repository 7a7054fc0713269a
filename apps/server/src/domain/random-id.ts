import { randomBytes } from 'node:crypto';

/** Bytes drawn from the system's generator at once. */
const POOL_BYTES = 4096;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * `bytes` random bytes as text: the ids of translated answers (`msg_…`, `resp_…`, `chatcmpl-…`, 12 bytes as hex) and
 * of note-app streams (`ais_…`, 16 bytes as base64url). Drawn from a pool filled 4 KiB at a time, as `randomUUID`
 * does, from the same generator: one `randomBytes` call per id cost more than the rest of building an answer (issue
 * 22 profile). For ids, not for key material: use `randomBytes` for that.
 */
export function randomId(bytes: number, encoding: 'hex' | 'base64url'): string {
  if (offset + bytes > pool.length) {
    pool = randomBytes(Math.max(POOL_BYTES, bytes));
    offset = 0;
  }
  const id = pool.toString(encoding, offset, offset + bytes);
  offset += bytes;
  return id;
}
