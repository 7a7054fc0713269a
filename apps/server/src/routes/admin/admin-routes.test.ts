import type { User } from '@pag/contracts';
import { asc, count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { apiCredentials, apiKeys, auditLog } from '../../db/schema.ts';
import { createApiKey } from '../../domain/accounts/create-api-key.ts';
import { createUser } from '../../domain/accounts/create-user.ts';
import {
  buildTestApp,
  type SignedInClient,
  signIn,
  signInNewUser,
  TEST_PASSWORD,
  type TestApp,
} from '../../test/build-test-app.ts';

// Issue 16: roles. Admins manage users and the operator settings over HTTP (not only with the CLI); members get a
// 403 that says why; the gateway always keeps an admin.

let test: TestApp;
let admin: SignedInClient;
let member: SignedInClient;
let signIns = 0;

beforeEach(async () => {
  test = await buildTestApp();
  admin = await signInNewUser(test, 'admin@home.test', '127.0.0.2');
  member = await addMember('member@home.test');
});
afterEach(async () => {
  await test.close();
});

async function addMember(email: string): Promise<SignedInClient> {
  const user = await createUser(test.connections, { email, password: TEST_PASSWORD, isAdmin: false });
  signIns += 1;
  return signIn(test, { email, userId: user.id, remoteAddress: `127.0.1.${(signIns % 250) + 2}` });
}

function call(
  client: SignedInClient,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: Record<string, unknown>,
) {
  return test.app.inject({
    method,
    url,
    headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken },
    ...(payload == null ? {} : { payload }),
  });
}

function auditActions(): Promise<{ action: string; userId: string | null; detail: Record<string, unknown> | null }[]> {
  return test.db
    .select({ action: auditLog.action, userId: auditLog.userId, detail: auditLog.detail })
    .from(auditLog)
    .orderBy(asc(auditLog.id));
}

describe('issue 16: admin-only routes', () => {
  const ADMIN_ROUTES: [method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: object][] = [
    ['GET', '/api/admin/users'],
    ['POST', '/api/admin/users', { email: 'new@home.test', password: TEST_PASSWORD }],
    ['PATCH', '/api/admin/users/{admin}', { isAdmin: false }],
    ['PUT', '/api/admin/users/{admin}/password', { password: 'another long password' }],
    ['DELETE', '/api/admin/users/{admin}'],
    ['GET', '/api/admin/operator-settings'],
    ['PATCH', '/api/admin/operator-settings', { allowPrivateUpstreams: true }],
  ];

  it.each(ADMIN_ROUTES)('issue 16: a member is refused %s %s with a 403 that says why', async (method, url, body) => {
    const before = (await auditActions()).length;
    const answer = await call(member, method, url.replace('{admin}', admin.userId), body as Record<string, unknown>);
    expect(answer.statusCode).toBe(403);
    expect(answer.json().error).toEqual({
      code: 'forbidden',
      message: 'Only an admin of this gateway can do this: ask an admin to do it for you, or to make you an admin.',
    });
    expect((await auditActions()).length).toBe(before);
  });

  it.each(ADMIN_ROUTES)(
    'issue 16: %s %s needs a session: 401 without one, 403 with an API key',
    async (method, url) => {
      const anonymous = await test.app.inject({ method, url: url.replace('{admin}', admin.userId) });
      expect(anonymous.statusCode).toBe(401);
      const { secret } = await createApiKey(test.connections, { userId: admin.userId, name: 'script' });
      const withKey = await test.app.inject({
        method,
        url: url.replace('{admin}', admin.userId),
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(withKey.statusCode).toBe(403);
    },
  );

  it('issue 16: an admin write without the CSRF token is refused', async () => {
    const answer = await test.app.inject({
      method: 'PATCH',
      url: '/api/admin/operator-settings',
      headers: { cookie: admin.cookie },
      payload: { allowPrivateUpstreams: true },
    });
    expect(answer.statusCode).toBe(403);
    expect(answer.json().error.code).toBe('csrf_failed');
  });
});

describe('issue 16: managing users over HTTP', () => {
  it('issue 16: an admin lists, creates, promotes, resets and deletes users; each change is audited', async () => {
    const listed = await call(admin, 'GET', '/api/admin/users');
    expect(listed.statusCode).toBe(200);
    expect((listed.json().users as User[]).map((user) => [user.email, user.isAdmin])).toEqual([
      ['admin@home.test', true],
      ['member@home.test', false],
    ]);

    const created = await call(admin, 'POST', '/api/admin/users', {
      email: ' New@Home.test ',
      password: 'initial password 1',
    });
    expect(created.statusCode).toBe(201);
    const newUser = created.json() as User;
    expect(newUser).toMatchObject({ email: 'new@home.test', isAdmin: false });
    expect(JSON.stringify(created.json())).not.toContain('initial password');
    const login = await test.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'new@home.test', password: 'initial password 1' },
      remoteAddress: '127.0.3.3',
    });
    expect(login.statusCode).toBe(200);
    expect(login.json().user).toMatchObject({ email: 'new@home.test', isAdmin: false });

    const duplicate = await call(admin, 'POST', '/api/admin/users', {
      email: 'new@home.test',
      password: 'initial password 1',
    });
    expect(duplicate.statusCode).toBe(409);
    const weak = await call(admin, 'POST', '/api/admin/users', { email: 'weak@home.test', password: 'short' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.message).toMatch(/password.*at least 12 characters/);

    const promoted = await call(admin, 'PATCH', `/api/admin/users/${member.userId}`, { isAdmin: true });
    expect(promoted.statusCode).toBe(200);
    expect(promoted.json()).toMatchObject({ email: 'member@home.test', isAdmin: true });
    // The member's own session sees the role at once: the session answer says it, and admin routes open.
    const session = await test.app.inject({ url: '/api/auth/session', headers: { cookie: member.cookie } });
    expect(session.json().user).toMatchObject({ isAdmin: true });
    expect((await call(member, 'GET', '/api/admin/users')).statusCode).toBe(200);

    const reset = await call(admin, 'PUT', `/api/admin/users/${newUser.id}/password`, {
      password: 'a brand new password',
    });
    expect(reset.statusCode).toBe(204);
    const oldPassword = await test.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'new@home.test', password: 'initial password 1' },
      remoteAddress: '127.0.3.4',
    });
    expect(oldPassword.statusCode).toBe(401);

    const deleted = await call(admin, 'DELETE', `/api/admin/users/${newUser.id}`);
    expect(deleted.statusCode).toBe(204);
    expect((await call(admin, 'DELETE', `/api/admin/users/${newUser.id}`)).statusCode).toBe(404);

    const adminActions = (await auditActions()).filter((entry) => JSON.stringify(entry.detail).includes(admin.userId));
    expect(adminActions.map((entry) => entry.action)).toEqual([
      'user.created',
      'user.role_changed',
      'user.password_reset',
      'user.deleted',
    ]);
    expect(adminActions[1]).toMatchObject({
      userId: member.userId,
      detail: { isAdmin: true, byUserId: admin.userId },
    });
  });

  it('issue 16: the last admin can be neither made a member nor deleted', async () => {
    const demoted = await call(admin, 'PATCH', `/api/admin/users/${admin.userId}`, { isAdmin: false });
    expect(demoted.statusCode).toBe(409);
    expect(demoted.json().error.message).toBe(
      'admin@home.test is the only admin and cannot be made a member: make another user an admin first.',
    );
    const deleted = await call(admin, 'DELETE', `/api/admin/users/${admin.userId}`);
    expect(deleted.statusCode).toBe(409);
    expect(deleted.json().error.message).toMatch(/only admin and cannot be deleted/);

    // With a second admin, the first may step down, after which the second is the last one.
    expect((await call(admin, 'PATCH', `/api/admin/users/${member.userId}`, { isAdmin: true })).statusCode).toBe(200);
    expect((await call(admin, 'PATCH', `/api/admin/users/${admin.userId}`, { isAdmin: false })).statusCode).toBe(200);
    expect((await call(admin, 'GET', '/api/admin/users')).statusCode).toBe(403);
    expect((await call(member, 'DELETE', `/api/admin/users/${member.userId}`)).statusCode).toBe(409);
    expect((await call(member, 'DELETE', `/api/admin/users/${admin.userId}`)).statusCode).toBe(204);
  });

  it('issue 16: deleting a user takes their sessions, API keys and saved provider keys with them', async () => {
    const doomed = await addMember('doomed@home.test');
    const { secret } = await createApiKey(test.connections, { userId: doomed.userId, name: 'laptop' });
    await test.db.insert(apiCredentials).values({
      id: 'c1',
      userId: doomed.userId,
      provider: 'gemini',
      baseUrl: null,
      keyCiphertext: 'x',
      keyHint: 'abcd',
      createdAt: new Date(0),
      updatedAt: new Date(0),
    });
    expect((await call(admin, 'DELETE', `/api/admin/users/${doomed.userId}`)).statusCode).toBe(204);
    expect((await test.app.inject({ url: '/api/me', headers: { authorization: `Bearer ${secret}` } })).statusCode).toBe(
      401,
    );
    expect(
      (await test.app.inject({ url: '/api/auth/session', headers: { cookie: doomed.cookie } })).json().user,
    ).toBeNull();
    const credentialsLeft = await test.db
      .select({ total: count() })
      .from(apiCredentials)
      .where(eq(apiCredentials.userId, doomed.userId));
    const keysLeft = await test.db.select({ total: count() }).from(apiKeys).where(eq(apiKeys.userId, doomed.userId));
    expect([credentialsLeft[0]?.total, keysLeft[0]?.total]).toEqual([0, 0]);
  });

  it('issue 16: the operator settings default from the environment until an admin saves them', async () => {
    const initial = await call(admin, 'GET', '/api/admin/operator-settings');
    // buildTestApp sets GATEWAY_ALLOW_PRIVATE_UPSTREAMS=true for the loopback fakes.
    expect(initial.json()).toEqual({ allowPrivateUpstreams: true });
    const saved = await call(admin, 'PATCH', '/api/admin/operator-settings', { allowPrivateUpstreams: false });
    expect(saved.json()).toEqual({ allowPrivateUpstreams: false });
    expect((await call(admin, 'GET', '/api/admin/operator-settings')).json()).toEqual({ allowPrivateUpstreams: false });
    const unchanged = await call(admin, 'PATCH', '/api/admin/operator-settings', {});
    expect(unchanged.json()).toEqual({ allowPrivateUpstreams: false });
    const invalid = await call(admin, 'PATCH', '/api/admin/operator-settings', { allowPrivateUpstreams: 'yes' });
    expect(invalid.statusCode).toBe(400);
  });
});
