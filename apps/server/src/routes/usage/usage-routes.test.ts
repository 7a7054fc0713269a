import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registeredApps, usageEvents } from '../../db/schema.ts';
import { createUser } from '../../domain/accounts/create-user.ts';
import {
  buildTestApp,
  type SignedInClient,
  signIn,
  signInNewUser,
  TEST_PASSWORD,
  type TestApp,
} from '../../test/build-test-app.ts';

// The usage API over the ledger table (issue 19). Rows are inserted directly: the ledger writer is another part.
let test: TestApp;
let owner: SignedInClient;
let other: SignedInClient;
let key: { id: string; secret: string };

type Row = typeof usageEvents.$inferInsert;

async function insert(rows: Partial<Row>[], userId = owner.userId): Promise<Row[]> {
  const full = rows.map(
    (row): Row => ({
      id: randomUUID(),
      createdAt: new Date('2026-12-01T12:00:00Z'),
      userId,
      callerKind: 'session',
      route: '/api/ai/chat',
      durationMs: 100,
      status: 200,
      isSubscription: false,
      ...row,
    }),
  );
  await test.db.insert(usageEvents).values(full);
  return full;
}

async function get(url: string, client: SignedInClient | { bearer: string } = owner) {
  const headers = 'bearer' in client ? { authorization: `Bearer ${client.bearer}` } : { cookie: client.cookie };
  return test.app.inject({ method: 'GET', url, headers });
}

beforeEach(async () => {
  test = await buildTestApp();
  owner = await signInNewUser(test);
  const user = await createUser(
    { db: test.db, now: Date.now },
    {
      email: 'other@example.com',
      password: TEST_PASSWORD,
      isAdmin: false,
    },
  );
  other = await signIn(test, { email: 'other@example.com', userId: user.id });
  const created = await test.app.inject({
    method: 'POST',
    url: '/api/keys',
    headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
    payload: { name: 'notes, "main"' },
  });
  key = { id: created.json().key.id, secret: created.json().secret };
});
afterEach(async () => {
  await test.close();
});

const RANGE = 'from=2026-11-01T00:00:00Z&to=2026-12-31T00:00:00Z';

describe('GET /api/usage', () => {
  it('issue 19: totals equal the sum of the rows, saved and spent split by subscription', async () => {
    await insert([
      {
        provider: 'chatgpt',
        model: 'chatgpt/gpt-5.5',
        inputTokens: 100,
        cachedInputTokens: 40,
        outputTokens: 10,
        reasoningTokens: 5,
        isSubscription: true,
        apiPriceMicros: 1500,
      },
      {
        provider: 'openai',
        model: 'openai/gpt-4.1',
        inputTokens: 200,
        cachedInputTokens: 0,
        outputTokens: 20,
        reasoningTokens: 0,
        apiPriceMicros: 560,
        apiKeyId: key.id,
        callerKind: 'api-key',
      },
      { provider: 'gemini', model: 'gemini/gemini-2.5-flash', status: 502, errorCode: 'upstream_error', durationMs: 5 },
      {
        provider: 'openai',
        model: 'openai/gpt-4.1',
        status: 200,
        errorCode: 'upstream_error',
        inputTokens: 7,
        outputTokens: 3,
        apiPriceMicros: 38,
      },
    ]);
    await insert(
      [{ provider: 'openai', model: 'openai/gpt-4.1', inputTokens: 99_999, apiPriceMicros: 9_999_999 }],
      other.userId,
    );
    const response = await get(`/api/usage?${RANGE}&groupBy=provider`);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.totals).toEqual({
      requests: 4,
      errors: 2,
      inputTokens: 307,
      cachedInputTokens: 40,
      outputTokens: 33,
      reasoningTokens: 5,
      apiPriceUsd: 0.002098,
      savedUsd: 0.0015,
      spentUsd: 0.000598,
    });
    expect(body.groups.map((group: { key: string; requests: number }) => [group.key, group.requests])).toEqual([
      ['openai', 2],
      ['chatgpt', 1],
      ['gemini', 1],
    ]);
  });

  it.each([
    [
      'model',
      [
        ['openai/gpt-4.1', 2],
        ['chatgpt/gpt-5.5', 1],
      ],
    ],
    [
      'feature',
      [
        ['summarize', 2],
        ['', 1],
      ],
    ],
    [
      'route',
      [
        ['/v1/chat/completions', 2],
        ['/api/ai/chat', 1],
      ],
    ],
    [
      'key',
      [
        ['', 2],
        ['KEY', 1],
      ],
    ],
    [
      'app',
      [
        ['', 2],
        ['app-1', 1],
      ],
    ],
  ])('issue 19: groups by %s', async (groupBy, expected) => {
    await test.db.insert(registeredApps).values({ clientId: 'app-1', name: 'Notes', createdAt: new Date() });
    await insert([
      { model: 'openai/gpt-4.1', feature: 'summarize', route: '/v1/chat/completions', apiKeyId: key.id },
      { model: 'openai/gpt-4.1', feature: 'summarize', route: '/v1/chat/completions', appClientId: 'app-1' },
      { model: 'chatgpt/gpt-5.5', route: '/api/ai/chat' },
    ]);
    const body = (await get(`/api/usage?${RANGE}&groupBy=${groupBy}`)).json();
    const want = (expected as [string, number][]).map(([value, count]) => [value === 'KEY' ? key.id : value, count]);
    expect(body.groups.map((group: { key: string; requests: number }) => [group.key, group.requests])).toEqual(want);
    if (groupBy === 'key') {
      expect(body.groups.find((group: { key: string }) => group.key === key.id).label).toBe('notes, "main"');
    }
    if (groupBy === 'app')
      expect(body.groups.find((group: { key: string }) => group.key === 'app-1').label).toBe('Notes');
  });

  it('issue 19: cuts days at midnight in the given time zone, DST included, listing empty days too', async () => {
    await insert([
      // 23:30 UTC on Oct 24 is 01:30 on Oct 25 in Berlin (summer time, UTC+2).
      { createdAt: new Date('2026-10-24T23:30:00Z') },
      // 22:30 UTC on Oct 25 is 23:30 on Oct 25 in Berlin (winter time from 03:00 that day: UTC+1).
      { createdAt: new Date('2026-10-25T22:30:00Z') },
      // 23:30 UTC on Oct 25 is 00:30 on Oct 26 in Berlin.
      { createdAt: new Date('2026-10-25T23:30:00Z') },
    ]);
    const range = 'from=2026-10-23T22:00:00Z&to=2026-10-26T23:00:00Z';
    const berlin = (await get(`/api/usage?${range}&groupBy=day&tz=Europe/Berlin`)).json();
    expect(berlin.groups.map((group: { key: string; requests: number }) => [group.key, group.requests])).toEqual([
      ['2026-10-24', 0],
      ['2026-10-25', 2],
      ['2026-10-26', 1],
    ]);
    const utc = (await get(`/api/usage?${range}&groupBy=day`)).json();
    expect(utc.groups.map((group: { key: string; requests: number }) => [group.key, group.requests])).toEqual([
      ['2026-10-23', 0],
      ['2026-10-24', 1],
      ['2026-10-25', 2],
      ['2026-10-26', 0],
    ]);
  });

  it("issue 19: a key sees only its own rows; another user never sees the owner's", async () => {
    await insert([{ apiKeyId: key.id, inputTokens: 5 }, { inputTokens: 7 }]);
    const asKey = (await get(`/api/usage?${RANGE}&groupBy=provider`, { bearer: key.secret })).json();
    expect(asKey.totals).toMatchObject({ requests: 1, inputTokens: 5 });
    const asOther = (await get(`/api/usage?${RANGE}&groupBy=provider`, other)).json();
    expect(asOther.totals).toMatchObject({ requests: 0, inputTokens: 0 });
    expect(asOther.groups).toEqual([]);
  });

  it.each([
    ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', /"from" must be before "to"/],
    ['from=2020-01-01T00:00:00Z&to=2026-12-01T00:00:00Z', /at most 400 days/],
    ['tz=Mars/Olympus', /IANA time zone/],
    ['groupBy=week', /groupBy/],
    ['from=yesterday', /ISO 8601/],
  ])('issue 19: answers 400 naming what to fix for %s', async (query, message) => {
    const response = await get(`/api/usage?${query}`);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(message);
  });

  it('issue 19: needs a session or a key', async () => {
    expect((await test.app.inject({ method: 'GET', url: '/api/usage' })).statusCode).toBe(401);
  });
});

describe('GET /api/usage/requests', () => {
  async function seed() {
    return insert(
      Array.from({ length: 7 }, (_, index) => ({
        // Two rows share each time, so the cursor must break ties by id.
        createdAt: new Date(Date.UTC(2026, 11, 1, 10, Math.floor(index / 2))),
        provider: index % 2 === 0 ? 'openai' : 'chatgpt',
        model: index % 2 === 0 ? 'openai/gpt-4.1' : 'chatgpt/gpt-5.5',
        status: index === 3 ? 502 : 200,
        errorCode: index === 3 ? 'upstream_error' : null,
        apiKeyId: index < 2 ? key.id : null,
        apiPriceMicros: index === 0 ? 1_234_567 : null,
      })),
    );
  }

  it('issue 19: pages newest first with a keyset cursor, every row exactly once', async () => {
    const rows = await seed();
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const url: string = `/api/usage/requests?${RANGE}&limit=3${cursor == null ? '' : `&cursor=${cursor}`}`;
      const body = (await get(url)).json();
      expect(body.requests.length).toBeLessThanOrEqual(3);
      seen.push(...body.requests.map((row: { id: string }) => row.id));
      cursor = body.nextCursor;
      if (cursor == null) break;
    }
    const expected = [...rows]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((row) => row.id);
    expect(seen).toEqual(expected);
  });

  it('issue 19: filters by status, error code, model, provider and key, and names the key', async () => {
    await seed();
    const ids = async (query: string) =>
      (await get(`/api/usage/requests?${RANGE}&${query}`)).json().requests as { id: string; keyName: string | null }[];
    expect(await ids('status=error')).toHaveLength(1);
    expect(await ids('status=ok')).toHaveLength(6);
    expect(await ids('errorCode=upstream_error')).toHaveLength(1);
    expect(await ids('model=chatgpt/gpt-5.5')).toHaveLength(3);
    expect(await ids('provider=openai')).toHaveLength(4);
    const byKey = await ids(`keyId=${key.id}`);
    expect(byKey).toHaveLength(2);
    expect(byKey.every((row) => row.keyName === 'notes, "main"')).toBe(true);
    const priced = (await get(`/api/usage/requests?${RANGE}&provider=openai&limit=500`)).json().requests;
    expect(priced.find((row: { apiPriceUsd: number | null }) => row.apiPriceUsd != null).apiPriceUsd).toBe(1.234567);
  });

  it("issue 19: never lists another user's rows, even by their key id", async () => {
    await seed();
    const body = (await get(`/api/usage/requests?${RANGE}&keyId=${key.id}`, other)).json();
    expect(body).toEqual({ requests: [], nextCursor: null });
  });

  it('issue 19: exports every matching row as a CSV attachment that parses back', async () => {
    await seed();
    const response = await get(`/api/usage/requests?${RANGE}&format=csv&limit=1`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    expect(response.headers['content-disposition']).toBe('attachment; filename="usage-requests.csv"');
    const records = parse(response.body, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(7);
    const json = (await get(`/api/usage/requests?${RANGE}&limit=500`)).json().requests;
    expect(records.map((record) => record.id)).toEqual(json.map((row: { id: string }) => row.id));
    const keyed = records.find((record) => record.apiKeyId === key.id);
    expect(keyed?.keyName).toBe('notes, "main"');
    expect(records.find((record) => record.apiPriceUsd !== '')?.apiPriceUsd).toBe('1.234567');
  });

  it('issue 19: streams an export longer than one database page, each row once, with quoting intact', async () => {
    const start = Date.UTC(2026, 11, 1);
    await insert(
      Array.from({ length: 1203 }, (_, index) => ({
        createdAt: new Date(start + Math.floor(index / 3) * 1000),
        feature: index === 7 ? 'a "quoted", multi\nline feature' : null,
        apiKeyId: index === 8 ? key.id : null,
      })),
    );
    const response = await get(`/api/usage/requests?${RANGE}&format=csv`);
    const records = parse(response.body, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(1203);
    expect(new Set(records.map((record) => record.id)).size).toBe(1203);
    expect(records.filter((record) => record.feature === 'a "quoted", multi\nline feature')).toHaveLength(1);
    expect(records.find((record) => record.apiKeyId === key.id)?.keyName).toBe('notes, "main"');
  });

  it('issue 19: refuses a cursor it did not issue and a limit over 500', async () => {
    expect((await get('/api/usage/requests?cursor=bm9wZQ')).json().error.message).toMatch(/"cursor"/);
    expect((await get('/api/usage/requests?limit=501')).statusCode).toBe(400);
  });
});

describe('custom prices', () => {
  const put = (client: SignedInClient, payload: Record<string, unknown>, csrf = client.csrfToken) =>
    test.app.inject({
      method: 'PUT',
      url: '/api/usage/prices',
      headers: { cookie: client.cookie, 'x-csrf-token': csrf },
      payload,
    });

  it("issue 19: saves a user's prices (session + CSRF), replaces them whole, and keeps them per user", async () => {
    const prices = [{ model: 'my-llama', input: 0.5, cachedInput: null, output: 1 }];
    expect((await put(owner, { prices }, 'wrong')).statusCode).toBe(403);
    const saved = await put(owner, { prices });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toEqual({ prices });
    expect((await get('/api/usage/prices')).json()).toEqual({ prices });
    expect((await get('/api/usage/prices', other)).json()).toEqual({ prices: [] });
    expect((await get('/api/usage/prices', { bearer: key.secret })).statusCode).toBe(403);
    expect((await put(owner, { prices: [] })).json()).toEqual({ prices: [] });
  });

  it('issue 19: refuses a negative price and a model priced twice with 400', async () => {
    expect((await put(owner, { prices: [{ model: 'm', input: -1, cachedInput: null, output: 1 }] })).statusCode).toBe(
      400,
    );
    const twice = await put(owner, {
      prices: [
        { model: 'm', input: 1, cachedInput: null, output: 1 },
        { model: 'openai/m', input: 2, cachedInput: null, output: 2 },
      ],
    });
    expect(twice.statusCode).toBe(400);
    expect(twice.json().error.message).toMatch(/"m" is priced twice/);
  });
});
