import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { users } from '../../db/schema.ts';
import { buildTestApp, type TestApp } from '../../test/build-test-app.ts';
import { readDatabaseText } from '../../test/read-database-bytes.ts';
import { createUser } from '../accounts/create-user.ts';
import { DatabaseOAuthAdapter, type OAuthStoreContext } from './database-oauth-adapter.ts';

describe('DatabaseOAuthAdapter (oidc-provider storage)', () => {
  let test: TestApp;
  let store: OAuthStoreContext;
  let offset = 0;

  beforeEach(async () => {
    test = await buildTestApp();
    offset = 0;
    store = { db: test.db, vault: test.vault, now: () => Date.now() + offset };
  });
  afterEach(async () => {
    await test.close();
  });

  it('round-trips a payload, hides it once expired, and marks it consumed', async () => {
    const codes = new DatabaseOAuthAdapter('AuthorizationCode', store);
    await codes.upsert('code-value-1', { clientId: 'c1', grantId: 'g1', scope: 'mcp:tools' }, 60);
    expect(await codes.find('code-value-1')).toEqual({ clientId: 'c1', grantId: 'g1', scope: 'mcp:tools' });
    await codes.consume('code-value-1');
    expect((await codes.find('code-value-1'))?.consumed).toEqual(expect.any(Number));
    offset = 61_000;
    expect(await codes.find('code-value-1')).toBeUndefined();
  });

  it('keeps models of different kinds apart even with the same id', async () => {
    await new DatabaseOAuthAdapter('AccessToken', store).upsert('same', { clientId: 'a' }, 60);
    await new DatabaseOAuthAdapter('RefreshToken', store).upsert('same', { clientId: 'b' }, 60);
    expect((await new DatabaseOAuthAdapter('AccessToken', store).find('same'))?.clientId).toBe('a');
    expect((await new DatabaseOAuthAdapter('RefreshToken', store).find('same'))?.clientId).toBe('b');
  });

  it('revokes a whole grant family and finds sessions by uid', async () => {
    const tokens = new DatabaseOAuthAdapter('AccessToken', store);
    await tokens.upsert('t1', { grantId: 'g1' }, 60);
    await tokens.upsert('t2', { grantId: 'g2' }, 60);
    await tokens.revokeByGrantId('g1');
    expect(await tokens.find('t1')).toBeUndefined();
    expect(await tokens.find('t2')).toBeDefined();
    const sessions = new DatabaseOAuthAdapter('Session', store);
    await sessions.upsert('session-id', { uid: 'uid-1', kind: 'Session' }, 60);
    expect((await sessions.findByUid('uid-1'))?.uid).toBe('uid-1');
    await sessions.destroy('session-id');
    expect(await sessions.findByUid('uid-1')).toBeUndefined();
  });

  it('never stores a bearer value or a payload in the clear, and cascades with the user', async () => {
    const user = await createUser(store, {
      email: 'owner@example.com',
      password: 'correct horse battery staple',
      isAdmin: false,
    });
    const tokens = new DatabaseOAuthAdapter('AccessToken', store);
    const bearer = 'opaque-access-token-value-that-must-not-leak';
    await tokens.upsert(bearer, { accountId: user.id, jti: bearer, scope: 'mcp:tools-unique-marker' }, 60);
    const bytes = await readDatabaseText(test.db, test.config.databaseFile);
    expect(bytes).not.toContain(bearer);
    expect(bytes).not.toContain('mcp:tools-unique-marker');
    await test.db.delete(users).where(eq(users.id, user.id));
    expect(await tokens.find(bearer)).toBeUndefined();
  });
});
