import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, sessions, users } from '../../db/schema.ts';
import { createUser } from '../../domain/accounts/create-user.ts';
import {
  buildTestApp,
  type SignedInClient,
  sessionCookieOf,
  signIn,
  signInNewUser,
  TEST_PASSWORD,
  type TestApp,
} from '../../test/build-test-app.ts';

let test: TestApp;
beforeEach(async () => {
  test = await buildTestApp();
});
afterEach(async () => {
  await test.close();
});

const HOUR = 3_600_000;

function login(payload: unknown, remoteAddress = '127.0.0.1') {
  return test.app.inject({ method: 'POST', url: '/api/auth/login', payload: payload as object, remoteAddress });
}

describe('first-run setup', () => {
  it('should report setup as required and create the admin with the one-time token, once', async () => {
    const state = await test.app.inject({ method: 'GET', url: '/api/auth/session' });
    expect(state.json()).toEqual({ setupRequired: true, user: null, csrfToken: null });
    const token = test.setupToken.issue();

    const wrong = await test.app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { token: 'guessed', email: 'owner@example.com', password: TEST_PASSWORD },
    });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json().error.message).toMatch(/setup token is wrong/);

    const created = await test.app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { token, email: ' Owner@Example.com ', password: TEST_PASSWORD },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().user).toMatchObject({ email: 'owner@example.com', isAdmin: true });

    const again = await test.app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { token, email: 'second@example.com', password: TEST_PASSWORD },
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('setup_unavailable');
    expect((await test.app.inject({ method: 'GET', url: '/api/auth/session' })).json().setupRequired).toBe(false);
  });

  it('issue 21: two setups at once make exactly one admin; the other is told setup is complete', async () => {
    const token = test.setupToken.issue();
    const setup = (email: string, remoteAddress: string) =>
      test.app.inject({
        method: 'POST',
        url: '/api/auth/setup',
        payload: { token, email, password: TEST_PASSWORD },
        remoteAddress,
      });
    const answers = await Promise.all([
      setup('first@example.com', '127.0.0.2'),
      setup('second@example.com', '127.0.0.3'),
    ]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 409]);
    expect(answers.find((answer) => answer.statusCode === 409)?.json().error.code).toBe('setup_unavailable');
    const [admins] = await test.db.select({ total: count() }).from(users);
    expect(admins?.total).toBe(1);
  });

  it('issue 17: setup signs the new admin in (session cookie and CSRF token), so they need not type it all again', async () => {
    const created = await test.app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { token: test.setupToken.issue(), email: 'owner@example.com', password: TEST_PASSWORD },
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const cookie = sessionCookieOf(created);
    const { csrfToken } = created.json();
    expect(csrfToken).toEqual(expect.any(String));
    const session = await test.app.inject({ method: 'GET', url: '/api/auth/session', headers: { cookie } });
    expect(session.json()).toMatchObject({ setupRequired: false, user: { email: 'owner@example.com' }, csrfToken });
    const key = await test.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload: { name: 'first key' },
    });
    expect(key.statusCode).toBe(201);
  });

  it('should name the field when the setup password is too short', async () => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { token: test.setupToken.issue(), email: 'owner@example.com', password: 'short' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toBe('Invalid request: body.password: must be at least 12 characters.');
  });
});

describe('sign-in', () => {
  it('should set an HttpOnly SameSite=Lax session cookie (not Secure on http) and return the CSRF token', async () => {
    await createUser(
      { db: test.db, now: Date.now },
      { email: 'owner@example.com', password: TEST_PASSWORD, isAdmin: true },
    );
    const response = await login({ email: 'OWNER@example.com', password: TEST_PASSWORD });
    expect(response.statusCode).toBe(200);
    const [cookie] = response.cookies;
    expect(cookie).toMatchObject({ name: 'pag_session', httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie?.secure).toBeUndefined();
    expect(response.json()).toMatchObject({ user: { email: 'owner@example.com' }, csrfToken: expect.any(String) });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('should use a Secure __Host- cookie when the public URL is https', async () => {
    const secure = await buildTestApp({ GATEWAY_PUBLIC_URL: 'https://gateway.example.com' });
    try {
      await createUser(
        { db: secure.db, now: Date.now },
        { email: 'o@example.com', password: TEST_PASSWORD, isAdmin: true },
      );
      const response = await secure.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'o@example.com', password: TEST_PASSWORD },
      });
      expect(response.cookies[0]).toMatchObject({ name: '__Host-pag_session', secure: true, httpOnly: true });
      expect(response.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    } finally {
      await secure.close();
    }
  });

  it('should answer a wrong password and an unknown email the same way, and count both', async () => {
    await createUser(
      { db: test.db, now: Date.now },
      { email: 'owner@example.com', password: TEST_PASSWORD, isAdmin: true },
    );
    const wrongPassword = await login({ email: 'owner@example.com', password: 'not the password' });
    const unknownEmail = await login({ email: 'nobody@example.com', password: 'not the password' });
    for (const response of [wrongPassword, unknownEmail]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'invalid_credentials', message: 'Wrong email or password.' } });
      expect(response.cookies).toHaveLength(0);
    }
    expect(wrongPassword.headers['x-ratelimit-remaining']).toBe('4');
    expect(unknownEmail.headers['x-ratelimit-remaining']).toBe('3');
    const [failures] = await test.db
      .select({ total: count() })
      .from(auditLog)
      .where(eq(auditLog.action, 'session.login_failed'));
    expect(failures?.total).toBe(2);
  });

  it('should answer the 6th attempt from one address within a minute with 429 and Retry-After', async () => {
    await createUser(
      { db: test.db, now: Date.now },
      { email: 'owner@example.com', password: TEST_PASSWORD, isAdmin: true },
    );
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await login({ email: `guess${attempt}@example.com`, password: 'wrong wrong' })).statusCode).toBe(401);
    }
    const sixth = await login({ email: 'owner@example.com', password: TEST_PASSWORD });
    expect(sixth.statusCode).toBe(429);
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(sixth.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(sixth.json().error).toMatchObject({
      code: 'rate_limited',
      message: expect.stringMatching(/try again in \d+ s/),
    });
    expect((await login({ email: 'owner@example.com', password: TEST_PASSWORD }, '10.0.0.9')).statusCode).toBe(200);
  });

  it('should lock an account after 5 failures even when they come from different addresses', async () => {
    await createUser(
      { db: test.db, now: Date.now },
      { email: 'owner@example.com', password: TEST_PASSWORD, isAdmin: true },
    );
    for (let attempt = 1; attempt <= 5; attempt++) {
      const response = await login({ email: 'owner@example.com', password: 'wrong wrong' }, `10.0.1.${attempt}`);
      expect(response.statusCode).toBe(401);
    }
    const locked = await login({ email: 'owner@example.com', password: TEST_PASSWORD }, '10.0.2.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.message).toMatch(/Too many failed sign-ins for this account/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(800);
  });

  it('should rotate the session id at sign-in, ending the session the browser had', async () => {
    const first = await signInNewUser(test);
    const second = await test.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'owner@example.com', password: TEST_PASSWORD },
      headers: { cookie: first.cookie },
    });
    expect(sessionCookieOf(second)).not.toBe(first.cookie);
    const stale = await test.app.inject({ method: 'GET', url: '/api/keys', headers: { cookie: first.cookie } });
    expect(stale.statusCode).toBe(401);
  });
});

describe('sessions', () => {
  let client: SignedInClient;
  beforeEach(async () => {
    client = await signInNewUser(test);
  });
  const listKeys = () => test.app.inject({ method: 'GET', url: '/api/keys', headers: { cookie: client.cookie } });

  it('should show the signed-in user and CSRF token in the session state', async () => {
    const response = await test.app.inject({
      method: 'GET',
      url: '/api/auth/session',
      headers: { cookie: client.cookie },
    });
    expect(response.json()).toMatchObject({
      setupRequired: false,
      user: { email: 'owner@example.com' },
      csrfToken: client.csrfToken,
    });
  });

  it('should end a session that stays idle past the idle timeout (401)', async () => {
    test.advanceTime(167 * HOUR);
    expect((await listKeys()).statusCode).toBe(200);
    test.advanceTime(167 * HOUR);
    expect((await listKeys()).statusCode).toBe(200);
    test.advanceTime(168 * HOUR + 1);
    const expired = await listKeys();
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error).toEqual({
      code: 'unauthenticated',
      message: 'Not signed in, or the session has expired: sign in again.',
    });
  });

  it('should end a session at its absolute lifetime even when in use', async () => {
    for (let day = 0; day < 29; day++) {
      test.advanceTime(24 * HOUR);
      expect((await listKeys()).statusCode).toBe(200);
    }
    test.advanceTime(24 * HOUR);
    expect((await listKeys()).statusCode).toBe(401);
  });

  it('should refuse a cookie-authenticated write without the CSRF header (403) and with a wrong one', async () => {
    const missing = await test.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie: client.cookie },
      payload: { name: 'x' },
    });
    expect(missing.statusCode).toBe(403);
    expect(missing.json().error.code).toBe('csrf_failed');
    const wrong = await test.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie: client.cookie, 'x-csrf-token': `${client.csrfToken}x` },
      payload: { name: 'x' },
    });
    expect(wrong.statusCode).toBe(403);
    const logoutWithout = await test.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: client.cookie },
    });
    expect(logoutWithout.statusCode).toBe(403);
    expect((await listKeys()).json().keys).toHaveLength(0);
  });

  it('should refuse a write from a foreign Origin even with the right CSRF token', async () => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken, origin: 'https://evil.example' },
      payload: { name: 'x' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toBe('Cross-origin request from https://evil.example refused.');
  });

  it('should sign out: delete the session server-side and clear the cookie', async () => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/auth/logout',
      headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken, origin: 'http://localhost:8787' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.cookies[0]).toMatchObject({ name: 'pag_session', value: '' });
    expect((await listKeys()).statusCode).toBe(401);
    const [rows] = await test.db.select({ total: count() }).from(sessions);
    expect(rows?.total).toBe(0);
  });

  it('should end every session of a user whose password is reset', async () => {
    const { resetPassword } = await import('../../domain/accounts/reset-password.ts');
    await resetPassword({ db: test.db, now: Date.now }, { email: 'owner@example.com', password: `${TEST_PASSWORD}!` });
    expect((await listKeys()).statusCode).toBe(401);
    await expect(signIn(test, { email: 'owner@example.com', userId: client.userId })).rejects.toThrow(/401/);
  });
});
