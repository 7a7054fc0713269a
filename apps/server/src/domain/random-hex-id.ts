import { randomBytes } from 'node:crypto';

/** Ids drawn from one fill of the pool. */
const IDS_PER_FILL = 256;
const ID_BYTES = 12;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * 12 random bytes as 24 hex characters: the ids of translated answers (`msg_…`, `resp_…`, `chatcmpl-…`), which name
 * an answer and guard nothing. Drawn from a pool filled 256 ids at a time, as `randomUUID` does, instead of a
 * `randomBytes(12)` call per id: one call per answer cost more than the rest of building it (issue 22 profile). Not
 * for secrets: use `randomBytes` for those.
 */
export function randomHexId(): string {
  if (offset === pool.length) {
    pool = randomBytes(ID_BYTES * IDS_PER_FILL);
    offset = 0;
  }
  const id = pool.toString('hex', offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}
