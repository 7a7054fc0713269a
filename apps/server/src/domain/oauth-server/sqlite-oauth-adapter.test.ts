import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../../test/build-test-app.ts';
import { readDatabaseBytes } from '../../test/read-database-bytes.ts';
import { createUser } from '../accounts/create-user.ts';
import { type OAuthStoreContext, SqliteOAuthAdapter } from './sqlite-oauth-adapter.ts';

describe('SqliteOAuthAdapter (oidc-provider storage)', () => {
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
    const codes = new SqliteOAuthAdapter('AuthorizationCode', store);
    await codes.upsert('code-value-1', { clientId: 'c1', grantId: 'g1', scope: 'mcp:tools' }, 60);
    expect(await codes.find('code-value-1')).toEqual({ clientId: 'c1', grantId: 'g1', scope: 'mcp:tools' });
    await codes.consume('code-value-1');
    expect((await codes.find('code-value-1'))?.consumed).toEqual(expect.any(Number));
    offset = 61_000;
    expect(await codes.find('code-value-1')).toBeUndefined();
  });

  it('keeps models of different kinds apart even with the same id', async () => {
    await new SqliteOAuthAdapter('AccessToken', store).upsert('same', { clientId: 'a' }, 60);
    await new SqliteOAuthAdapter('RefreshToken', store).upsert('same', { clientId: 'b' }, 60);
    expect((await new SqliteOAuthAdapter('AccessToken', store).find('same'))?.clientId).toBe('a');
    expect((await new SqliteOAuthAdapter('RefreshToken', store).find('same'))?.clientId).toBe('b');
  });

  it('revokes a whole grant family and finds sessions by uid', async () => {
    const tokens = new SqliteOAuthAdapter('AccessToken', store);
    await tokens.upsert('t1', { grantId: 'g1' }, 60);
    await tokens.upsert('t2', { grantId: 'g2' }, 60);
    await tokens.revokeByGrantId('g1');
    expect(await tokens.find('t1')).toBeUndefined();
    expect(await tokens.find('t2')).toBeDefined();
    const sessions = new SqliteOAuthAdapter('Session', store);
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
    const tokens = new SqliteOAuthAdapter('AccessToken', store);
    const bearer = 'opaque-access-token-value-that-must-not-leak';
    await tokens.upsert(bearer, { accountId: user.id, jti: bearer, scope: 'mcp:tools-unique-marker' }, 60);
    const bytes = readDatabaseBytes(test.config.databaseFile);
    expect(bytes).not.toContain(bearer);
    expect(bytes).not.toContain('mcp:tools-unique-marker');
    test.db.$client.prepare('delete from users where id = ?').run(user.id);
    expect(await tokens.find(bearer)).toBeUndefined();
  });
});
