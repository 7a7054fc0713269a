import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { findFreeLoopbackPort } from '../find-free-loopback-port.ts';
import { TIMEOUT_MS } from '../test-fetch.ts';
import type { FakeOpenAiScenarioInput } from './fake-openai-scenario.ts';
import { startFakeOpenAiApi } from './openai-api-fake.ts';
import { API_KEY, getJson, postOpenAi, USER_MESSAGES } from './test-support.ts';

afterEach(closeAllFakeServers);

const MISSING_KEY_MESSAGE =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
  "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API " +
  'from your browser and are prompted for a username and password. You can obtain an API key from ' +
  'https://platform.openai.com/account/api-keys.';

describe('startFakeOpenAiApi', () => {
  it.each<[string, Record<string, string>, Record<string, unknown>]>([
    ['no Authorization header', {}, { message: MISSING_KEY_MESSAGE, code: null }],
    ['a Basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }, { message: MISSING_KEY_MESSAGE, code: null }],
    ['an empty bearer', { authorization: 'Bearer ' }, { message: MISSING_KEY_MESSAGE, code: null }],
    [
      'a wrong key',
      { authorization: 'Bearer sk-wrong-key-1234' },
      {
        message:
          'Incorrect API key provided: sk-**********1234. You can find your API key at https://platform.openai.com/account/api-keys.',
        code: 'invalid_api_key',
      },
    ],
  ])('should answer 401 for %s on every endpoint', async (_case, headers, error) => {
    const fake = await startFakeOpenAiApi();
    const expected = { error: { type: 'invalid_request_error', param: null, ...error } };

    for (const [method, path] of [
      ['GET', '/models'],
      ['GET', '/models/gpt-4o-mini'],
      ['POST', '/chat/completions'],
      ['POST', '/responses'],
      ['POST', '/embeddings'],
    ] as const) {
      const response = await fetch(`${fake.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        ...(method === 'POST' ? { body: '{}' } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      expect([path, response.status]).toEqual([path, 401]);
      expect(await response.json()).toEqual(expected);
    }
  });

  it('should accept any of several configured keys', async () => {
    const fake = await startFakeOpenAiApi({ apiKeys: ['sk-test-a', 'sk-test-b'] });

    const statuses = await Promise.all(
      ['sk-test-a', 'sk-test-b', API_KEY].map(
        async (apiKey) => (await getJson({ url: `${fake.baseUrl}/models`, apiKey })).status,
      ),
    );

    expect(statuses).toEqual([200, 200, 401]);
  });

  it('should list the catalogue and retrieve one model', async () => {
    const fake = await startFakeOpenAiApi({
      models: [
        { id: 'gpt-4o-mini', created: 1721172741 },
        { id: 'text-embedding-3-small', kind: 'embedding', created: 1705948997 },
      ],
    });

    const list = await getJson({ url: `${fake.baseUrl}/models` });
    const one = await getJson({ url: `${fake.baseUrl}/models/gpt-4o-mini` });
    const missing = await getJson({ url: `${fake.baseUrl}/models/gpt-9` });

    expect(await list.json()).toEqual({
      object: 'list',
      data: [
        { id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' },
        { id: 'text-embedding-3-small', object: 'model', created: 1705948997, owned_by: 'system' },
      ],
    });
    expect(await one.json()).toEqual({ id: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'system' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: {
        message: "The model 'gpt-9' does not exist",
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      },
    });
  });

  it('should answer 404 for unknown paths and methods', async () => {
    const fake = await startFakeOpenAiApi();

    const unknown = await postOpenAi({ url: `${fake.baseUrl}/completions`, body: {} });
    const wrongMethod = await getJson({ url: `${fake.baseUrl}/chat/completions` });
    const noVersion = await getJson({ url: `${fake.url}/models` });

    expect([unknown.status, wrongMethod.status, noVersion.status]).toEqual([404, 404, 404]);
    expect(await unknown.json()).toEqual({ error: 'no route for POST /v1/completions in fake openai-api' });
  });

  it('should record every request, rejected ones included', async () => {
    const fake = await startFakeOpenAiApi();

    await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: { model: 'gpt-4o-mini', messages: USER_MESSAGES },
    });
    await postOpenAi({ url: `${fake.baseUrl}/embeddings`, body: {}, apiKey: null });

    expect(fake.requests.map((request) => [request.method, request.path])).toEqual([
      ['POST', '/v1/chat/completions'],
      ['POST', '/v1/embeddings'],
    ]);
    expect(fake.findRequests({ path: '/v1/chat/completions' })[0]).toMatchObject({
      headers: { authorization: `Bearer ${API_KEY}` },
      json: { model: 'gpt-4o-mini', messages: USER_MESSAGES },
    });
  });

  it('should play scripted transport faults before the handler', async () => {
    const fake = await startFakeOpenAiApi();
    fake.faults.push({ match: { path: '/v1/models' }, fault: { kind: 'drop-connection' } });

    const dropped = await getJson({ url: `${fake.baseUrl}/models` }).then(
      () => 'answered',
      () => 'failed',
    );

    expect(dropped).toBe('failed');
    expect((await getJson({ url: `${fake.baseUrl}/models` })).status).toBe(200);
  });

  it('should play queued scenarios in order, then the default', async () => {
    const fake = await startFakeOpenAiApi({ scenarios: ['rate-limit'], defaultScenario: 'tool-call' });
    fake.enqueueScenarios('server-error');
    const send = async () =>
      (
        await postOpenAi({
          url: `${fake.baseUrl}/chat/completions`,
          body: { model: 'gpt-4o-mini', messages: USER_MESSAGES },
        })
      ).status;

    expect([await send(), await send(), await send()]).toEqual([429, 500, 200]);
    expect(fake.findRequests({ path: '/v1/chat/completions' })).toHaveLength(3);
  });

  it('should reset to its starting state', async () => {
    const fake = await startFakeOpenAiApi({ scenarios: ['overloaded'] });
    await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: { model: 'gpt-4o-mini', messages: USER_MESSAGES },
    });
    fake.enqueueScenarios('text', 'text');
    fake.faults.push({ match: {}, fault: { kind: 'status', status: 500 } });

    fake.reset();

    expect(fake.requests).toEqual([]);
    expect(fake.faults.pending).toEqual([]);
    expect(fake.pendingScenarios).toEqual([{ kind: 'http-error', status: 503 }]);
  });

  it('should drive scenarios and read recordings over the HTTP test hooks', async () => {
    const fake = await startFakeOpenAiApi();
    const hook = (method: string, path: string, body?: unknown) =>
      fetch(`${fake.url}/__testkit${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });

    const pushed = await hook('POST', '/scenarios', { scenarios: ['rate-limit', { kind: 'reply', text: 'Hi!' }] });
    const bad = await hook('POST', '/scenarios', { scenarios: ['nope'] });
    const limited = await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: { model: 'gpt-4o-mini', messages: USER_MESSAGES },
    });
    const answered = await postOpenAi({
      url: `${fake.baseUrl}/chat/completions`,
      body: { model: 'gpt-4o-mini', messages: USER_MESSAGES },
    });
    const requests = await hook('GET', '/requests');
    const closes = await hook('GET', '/client-closes');
    await hook('POST', '/scenarios', { scenarios: ['overloaded'] });
    const cleared = await hook('DELETE', '/scenarios');
    const reset = await hook('POST', '/reset');

    expect(await pushed.json()).toEqual({ pending: 2 });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: { code: 'ERR_INVALID_ARG_VALUE', message: '"scenario" "nope" is not a preset' },
    });
    expect(limited.status).toBe(429);
    expect(await answered.json()).toMatchObject({ choices: [{ message: { content: 'Hi!' } }] });
    const recorded = (await requests.json()) as { requests: { path: string; json: unknown }[] };
    expect(recorded.requests.map((request) => request.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions']);
    expect(await closes.json()).toEqual({ clientCloses: [] });
    expect(await cleared.json()).toEqual({ pending: 0 });
    expect(await reset.json()).toEqual({ ok: true });
    expect(fake.requests.filter((request) => !request.path.startsWith('/__testkit'))).toEqual([]);
  });

  it('should listen on a fixed port when asked', async () => {
    const port = await findFreeLoopbackPort();
    const fake = await startFakeOpenAiApi({ port });

    const response = await getJson({ url: `http://127.0.0.1:${port}/v1/models` });

    expect(fake.baseUrl).toBe(`http://127.0.0.1:${port}/v1`);
    expect(response.status).toBe(200);
    await fake.close();
    await expect(fetch(`${fake.baseUrl}/models`, { signal: AbortSignal.timeout(TIMEOUT_MS) })).rejects.toThrow();
  });

  it.each<[string, FakeOpenAiScenarioInput, RegExp]>([
    ['an unknown preset', 'nope' as never, /"scenario" "nope" is not a preset/],
    [
      'an error scenario with a 200',
      { kind: 'http-error', status: 200 },
      /"scenario.status" must be an HTTP error status/,
    ],
    ['a tool call without name', { kind: 'reply', toolCalls: [{ name: '', arguments: {} }] }, /toolCalls\[0\]\.name/],
  ])('should refuse to start with %s', async (_case, scenario, message) => {
    await expect(startFakeOpenAiApi({ scenarios: [scenario] })).rejects.toThrow(message);
  });
});
