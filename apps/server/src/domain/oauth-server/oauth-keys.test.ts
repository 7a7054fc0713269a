import { randomBytes } from 'node:crypto';
import { KeyringSource, Vault } from '@pag/vault';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { openTestDatabase } from '../../test/open-test-database.ts';
import type { OAuthStoreContext } from './database-oauth-adapter.ts';
import { loadOrCreateOAuthKeys } from './oauth-keys.ts';

describe('loadOrCreateOAuthKeys', () => {
  let db: GatewayDatabase;
  let store: OAuthStoreContext;

  beforeEach(async () => {
    db = await openTestDatabase();
    const vault = new Vault(new KeyringSource({ envKey: randomBytes(32), keyFilePath: '/nonexistent/gateway.key' }));
    store = { db, vault, now: Date.now };
  });
  afterEach(async () => {
    await db.$close();
  });

  it('creates the keys once: starts racing on an empty database all use the keys stored first', async () => {
    // Replicas starting together each find no keys and generate some; one set must win for all of them, or cookies
    // and signatures of one replica would fail on the others.
    const [first, ...others] = await Promise.all([1, 2, 3].map(() => loadOrCreateOAuthKeys(store)));
    for (const keys of others) expect(keys).toEqual(first);
    expect(await loadOrCreateOAuthKeys(store)).toEqual(first);
    expect(first?.jwks.keys).toHaveLength(1);
  });
});
