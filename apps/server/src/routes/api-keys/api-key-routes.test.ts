import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signInNewUser, type TestApp } from '../../test/build-test-app.ts';

let test: TestApp;
let owner: SignedInClient;
beforeEach(async () => {
  test = await buildTestApp();
  owner = await signInNewUser(test);
});
afterEach(async () => {
  await test.close();
});

async function createKey(client: SignedInClient, name = 'note app') {
  const response = await test.app.inject({
    method: 'POST',
    url: '/api/keys',
    headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken },
    payload: { name },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { key: { id: string; prefix: string; name: string }; secret: string };
}

const whoAmI = (headers: Record<string, string>) => test.app.inject({ method: 'GET', url: '/api/me', headers });

describe('gateway API keys', () => {
  it('should create a gwk_ key shown once, list it by prefix only, and authenticate with it', async () => {
    const created = await createKey(owner, '  note app  ');
    expect(created.secret).toMatch(/^gwk_[a-z2-9]{12}_[\w-]{43}$/);
    expect(created.key).toMatchObject({ name: 'note app', prefix: created.secret.slice(0, 16), lastUsedAt: null });

    const listed = await test.app.inject({ method: 'GET', url: '/api/keys', headers: { cookie: owner.cookie } });
    expect(listed.json().keys).toEqual([created.key]);
    expect(listed.body).not.toContain(created.secret.slice(17));

    const me = await whoAmI({ authorization: `Bearer ${created.secret}` });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual({
      user: { id: owner.userId, email: 'owner@example.com' },
      authenticatedWith: 'api-key',
      apiKeyPrefix: created.key.prefix,
    });
    expect((await whoAmI({ 'x-api-key': created.secret })).statusCode).toBe(200);
    const afterUse = await test.app.inject({ method: 'GET', url: '/api/keys', headers: { cookie: owner.cookie } });
    expect(afterUse.json().keys[0].lastUsedAt).not.toBeNull();
  });

  it('should reject a revoked key immediately (401)', async () => {
    const created = await createKey(owner);
    expect((await whoAmI({ authorization: `Bearer ${created.secret}` })).statusCode).toBe(200);
    const revoked = await test.app.inject({
      method: 'DELETE',
      url: `/api/keys/${created.key.id}`,
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
    });
    expect(revoked.statusCode).toBe(204);
    const after = await whoAmI({ authorization: `Bearer ${created.secret}` });
    expect(after.statusCode).toBe(401);
    expect(after.json().error).toEqual({
      code: 'unauthenticated',
      message: 'The API key is invalid or has been revoked.',
    });
  });

  it.each([
    ['a tampered secret', (secret: string) => `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`],
    ['a malformed key', () => 'gwk_nope'],
    ['a foreign format', () => 'sk-proj-abcdef'],
  ])('should reject %s with 401', async (_label, mutate) => {
    const created = await createKey(owner);
    const response = await whoAmI({ authorization: `Bearer ${mutate(created.secret)}` });
    expect(response.statusCode).toBe(401);
  });

  it('should explain a malformed Authorization header', async () => {
    const response = await whoAmI({ authorization: 'Basic dXNlcjpwYXNz' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toBe('The Authorization header must be "Bearer <gateway API key>".');
  });

  it('should not let an API key manage keys (session-only routes)', async () => {
    const created = await createKey(owner);
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { authorization: `Bearer ${created.secret}` },
      payload: { name: 'escalation' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toMatch(/API keys cannot use this endpoint/);
  });

  it("should report another user's key as not found and leave it working", async () => {
    const created = await createKey(owner);
    const intruder = await signInNewUser(test, 'intruder@example.com', '10.0.0.2');
    const response = await test.app.inject({
      method: 'DELETE',
      url: `/api/keys/${created.key.id}`,
      headers: { cookie: intruder.cookie, 'x-csrf-token': intruder.csrfToken },
    });
    expect(response.statusCode).toBe(404);
    expect((await whoAmI({ authorization: `Bearer ${created.secret}` })).statusCode).toBe(200);
    const theirList = await test.app.inject({ method: 'GET', url: '/api/keys', headers: { cookie: intruder.cookie } });
    expect(theirList.json().keys).toEqual([]);
  });

  it('should reject keys whose user was deleted', async () => {
    const created = await createKey(owner);
    const { deleteUser } = await import('../../domain/accounts/delete-user.ts');
    await deleteUser(test.connections, 'owner@example.com');
    expect((await whoAmI({ authorization: `Bearer ${created.secret}` })).statusCode).toBe(401);
  });

  it('should say what to fix for a bad key name', async () => {
    for (const [payload, message] of [
      [{ name: '   ' }, 'Invalid request: body.name: is required.'],
      [{ name: 'x'.repeat(101) }, 'Invalid request: body.name: must be at most 100 characters.'],
      [{ name: 42 }, 'Invalid request: body.name: Invalid input: expected string, received number.'],
      [{}, 'Invalid request: body.name: Invalid input: expected string, received undefined.'],
    ] as const) {
      const response = await test.app.inject({
        method: 'POST',
        url: '/api/keys',
        headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
        payload,
      });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message).toBe(message);
    }
  });

  it('should authenticate /api/me with a session too', async () => {
    const response = await whoAmI({ cookie: owner.cookie });
    expect(response.json()).toMatchObject({ authenticatedWith: 'session', apiKeyPrefix: null });
  });

  it('should answer 401 without any credentials', async () => {
    const response = await whoAmI({});
    expect(response.statusCode).toBe(401);
  });
});

describe('issue 16: key names', () => {
  it.each([
    ['NUL', 'laptop\u0000key'],
    ['a newline', 'laptop\nforged line'],
    ['an escape sequence', 'laptop\u001b[2J'],
    ['DEL', 'laptop\u007f'],
    ['right-to-left override (U+202E)', 'invoice\u202Etxt.exe'],
    ['left-to-right embedding (U+202A)', '\u202Alaptop'],
    ['right-to-left isolate (U+2067)', 'lap\u2067top'],
    ['right-to-left mark (U+200F)', 'lap\u200Ftop'],
  ])('issue 16: a name with %s is refused with a clear 400', async (_what, name) => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/keys',
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
      payload: { name },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toEqual({
      code: 'invalid_request',
      message:
        'Invalid request: body.name: must not contain control characters or text-direction overrides (such as U+202E).',
    });
    const listed = await test.app.inject({ method: 'GET', url: '/api/keys', headers: { cookie: owner.cookie } });
    expect(listed.json().keys).toEqual([]);
  });

  it('issue 16: names in any script, with emoji and inner spaces, are still accepted', async () => {
    for (const name of ['Ноутбук – Cursor', 'مفتاح الكمبيوتر', '笔记本 🔑', 'a  b']) {
      expect((await createKey(owner, name)).key.name).toBe(name);
    }
  });
});
