import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, sessionCookieOf, type TestApp } from './build-test-app.ts';
import { readDatabaseText } from './read-database-bytes.ts';

let test: TestApp;
beforeEach(async () => {
  test = await buildTestApp({ GATEWAY_LOG_LEVEL: 'trace' });
});
afterEach(async () => {
  await test.close();
});

describe('secrets at rest and in logs', () => {
  it('should keep passwords, session ids, CSRF tokens and API keys out of the database file and the logs', async () => {
    const password = 'Tr0ub4dor&3-very-unique-password';
    const setupToken = test.setupToken.issue();
    const setup = await test.app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { token: setupToken, email: 'owner@example.com', password },
    });
    expect(setup.statusCode).toBe(201);
    await test.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'owner@example.com', password: `${password}-typo` },
    });
    const login = await test.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'owner@example.com', password },
    });
    const cookie = sessionCookieOf(login);
    const sessionId = cookie.split('=')[1] ?? '';
    const csrfToken = login.json().csrfToken as string;
    const created = await test.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload: { name: 'script' },
    });
    const apiKey = created.json().secret as string;
    await test.app.inject({
      method: 'GET',
      url: `/api/me?token=${apiKey}`,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    // SQLite: the WAL's pages copied into the main file as well (both are read); PostgreSQL has no file of ours.
    if (test.db.$dialect === 'sqlite') await test.db.all(sql`pragma wal_checkpoint(FULL)`);

    const secrets = { password, typo: `${password}-typo`, sessionId, csrfToken: null, apiKey, setupToken };
    const database = await readDatabaseText(test.db, test.config.databaseFile);
    // A request's line is written just after its answer (request-log.ts).
    await vi.waitFor(() => expect(test.logs.join('')).toContain('/api/me?token=[redacted]'));
    const logs = test.logs.join('');
    for (const [name, secret] of Object.entries(secrets)) {
      if (secret == null) continue;
      expect(secret.length, name).toBeGreaterThan(10);
      expect(database.includes(secret), `${name} in the database`).toBe(false);
      expect(logs.includes(secret), `${name} in the logs`).toBe(false);
    }
    // The CSRF token is stored (it is useless without the session cookie) but must never be logged.
    expect(logs.includes(csrfToken)).toBe(false);
  });
});
