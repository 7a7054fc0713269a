import { describe, expect, it } from 'vitest';
import { cacheVersionWatch } from '../../db/cache-version.ts';
import { CONNECTION_REF_COLUMNS } from './list-connection-refs.ts';

// Issue 22: the request cache keeps a connection's reference, and its triggers ignore the columns the request path
// writes (tokens, leases, rate limits). A reference that read one of those would be served stale: it may read only
// columns whose every write moves the cache version.
describe('issue 22: the cached connection reference', () => {
  it('issue 22: reads only columns whose writes move the cache version', () => {
    const watched = cacheVersionWatch().find(({ table }) => table === 'connections')?.watchedColumns ?? [];
    const read = Object.values(CONNECTION_REF_COLUMNS).map((column) => column.name);
    expect(read.filter((column) => !watched.includes(column))).toEqual([]);
    expect(read).not.toContain('access_token_ciphertext');
  });
});
