import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from './close-all-fake-servers.ts';
import { CodedTypeError } from './coded-type-error.ts';
import type { BaseFakeOptions } from './define-fake.ts';
import { defineFake } from './define-fake.ts';
import { findFreeLoopbackPort } from './find-free-loopback-port.ts';
import { handWritesToSocket } from './hand-writes-to-socket.ts';
import { sendJson } from './send-json.ts';

const TIMEOUT_MS = 2000;

afterEach(closeAllFakeServers);

type Reply = { text: string };
type DemoInput = string | Reply;

function resolveReply(input: DemoInput): Reply {
  if (input === 'hello' || input === 'bye') return { text: input };
  if (typeof input === 'object' && typeof input?.text === 'string') return input;
  throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: `unknown scenario ${JSON.stringify(input)}` });
}

/** A fake that uses every part of the harness: state, scenarios, its own hook and handle members. */
const demoFake = defineFake({
  name: 'demo',
  summary: 'the harness under test',
  createState: (_options: BaseFakeOptions<DemoInput>) => ({ count: 0, wasReset: false }),
  scenarios: { resolve: resolveReply, fallback: 'hello' },
  routes: (context) => {
    const { router } = context;
    router.on('GET', '/ok', (_request, reply) => sendJson({ reply, body: { ok: true } }));
    router.on('POST', '/count', (_request, reply) => {
      context.state.count += 1;
      sendJson({ reply, body: { count: context.state.count } });
    });
    router.on('GET', '/scenario', (_request, reply) => sendJson({ reply, body: context.takeScenario() }));
    router.on('POST', '/echo', (request, reply) => {
      const recorded = context.findRecorded(request.rawBody);
      sendJson({ reply, body: { echo: request.json(), wasRecordedFirst: recorded != null } });
    });
    router.on('POST', '/throw', () => {
      throw new Error('unexpected prompt_cache_key');
    });
    router.on('GET', '/silent', () => {});
    router.on('GET', '/throw-mid-stream', async (_request, reply) => {
      reply.writeHead(200, { 'content-type': 'text/event-stream' });
      reply.write('data: first\n\n');
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('boom mid-stream');
    });
    router.on('GET', '/stream', (request, reply) => {
      context.watchClientClose(request, reply);
      reply.writeHead(200, { 'content-type': 'text/event-stream' });
      reply.write('data: first\n\n');
    });
    // Never answers: a pending JSON body, until the client or close() ends the connection.
    router.on('GET', '/pending', async (request, reply) => {
      context.watchClientClose(request, reply);
      await once(reply, 'close');
    });
    router.on('GET', '/cut', async (request, reply) => {
      context.watchClientClose(request, reply);
      context.markIntentionalClose(reply);
      reply.writeHead(200, { 'content-type': 'text/plain' });
      reply.write('partial');
      await handWritesToSocket(reply);
      reply.socket?.destroy();
    });
  },
  testHooks: (context) => ({
    'POST /count': (body) => {
      if (typeof body.count !== 'number') {
        throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"count" must be a number' });
      }
      context.state.count = body.count;
    },
  }),
  handle: (context) => ({
    get count() {
      return context.state.count;
    },
    get wasReset() {
      return context.state.wasReset;
    },
  }),
  onReset: (context) => {
    context.state.wasReset = true;
  },
});

const plainFake = defineFake({
  name: 'plain',
  summary: 'a fake without scenarios',
  createState: () => null,
  routes: () => {},
});

function send(fake: { url: string }, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${fake.url}${path}`, { signal: AbortSignal.timeout(TIMEOUT_MS), ...init });
}

function postJson(fake: { url: string }, path: string, body: unknown): Promise<Response> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return send(fake, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
}

async function readJson(response: Promise<Response>): Promise<unknown> {
  return (await response).json();
}

describe('defineFake: server', () => {
  it('should listen on an ephemeral loopback port and answer 404 naming the fake for an unknown route', async () => {
    const fake = await demoFake.start();

    const response = await send(fake, '/v1/unknown');

    expect(fake.name).toBe('demo');
    expect(fake.port).toBeGreaterThan(0);
    expect(fake.url).toBe(`http://127.0.0.1:${fake.port}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'no route for GET /v1/unknown in fake demo' });
  });

  it('should listen on a fixed port and refuse one out of range', async () => {
    const port = await findFreeLoopbackPort();

    const fake = await demoFake.start({ port });

    expect(fake.url).toBe(`http://127.0.0.1:${port}`);
    expect(await readJson(send(fake, '/ok'))).toEqual({ ok: true });
    for (const bad of [0, 1.5, 70_000]) {
      await expect(demoFake.start({ port: bad })).rejects.toMatchObject({
        code: 'ERR_INVALID_ARG_VALUE',
        message: '"port" must be an integer from 1 to 65535',
      });
    }
  });

  it('should answer 500 naming the handler when it throws', async () => {
    const fake = await demoFake.start();

    const thrown = await send(fake, '/throw', { method: 'POST' });
    const badJson = await postJson(fake, '/echo', 'not json');

    expect(thrown.status).toBe(500);
    expect(await thrown.json()).toEqual({
      error: 'handler for POST /throw in fake demo threw: unexpected prompt_cache_key',
    });
    expect(badJson.status).toBe(500);
    expect(((await badJson.json()) as { error: string }).error).toMatch(
      /^handler for POST \/echo in fake demo threw: /,
    );
  });

  it('should answer 500 when a handler finishes without responding', async () => {
    const fake = await demoFake.start();

    const response = await send(fake, '/silent');

    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: 'handler for GET /silent in fake demo finished without responding',
    });
  });

  it('should cut the connection when a handler throws after the headers went out', async () => {
    const fake = await demoFake.start();

    const response = await send(fake, '/throw-mid-stream');

    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('should close keep-alive connections promptly', async () => {
    const fake = await demoFake.start();
    // Node's default keep-alive timeout is 5 s; a close that waited for it would blow the 1 s budget below.
    await new Promise<void>((resolve, reject) => {
      const agentRequest = httpRequest(`${fake.url}/ok`, { headers: { connection: 'keep-alive' } }, (response) => {
        response.resume();
        response.on('end', resolve);
      });
      agentRequest.on('error', reject);
      agentRequest.end();
    });

    const started = performance.now();
    await fake.close();

    // Not Node's 5 s keep-alive wait (a margin wide enough for a loaded machine).
    expect(performance.now() - started).toBeLessThan(3000);
    await expect(send(fake, '/ok')).rejects.toThrow();
  });

  it('should close connections with a request still in flight', async () => {
    const fake = await demoFake.start();
    const outcome = send(fake, '/pending').then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await expect.poll(() => fake.requests.length).toBe(1);

    const started = performance.now();
    await fake.close();

    // Rejected by the dropped socket, not by the 2 s timeout.
    expect(await outcome).toBeInstanceOf(TypeError);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('should return the same promise when closed twice', async () => {
    const fake = await demoFake.start();

    const first = fake.close();

    expect(fake.close()).toBe(first);
    await first;
  });

  it('should let closeAllFakeServers close every fake still open', async () => {
    const fakes = [await demoFake.start(), await plainFake.start()];

    await closeAllFakeServers();

    for (const fake of fakes) await expect(send(fake, '/ok')).rejects.toThrow();
  });
});

describe('defineFake: recording', () => {
  it('should record a JSON request before the handler runs', async () => {
    const fake = await demoFake.start();
    const before = Date.now();

    const response = await send(fake, '/echo?stream=true&tag=a&tag=b', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk-test', 'X-Custom': 'yes' },
      body: JSON.stringify({ model: 'gpt-test', messages: [] }),
    });

    expect(await response.json()).toEqual({ echo: { model: 'gpt-test', messages: [] }, wasRecordedFirst: true });
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/echo',
      query: { stream: 'true', tag: ['a', 'b'] },
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', 'x-custom': 'yes' },
      json: { model: 'gpt-test', messages: [] },
      form: undefined,
      jsonError: undefined,
      text: '{"model":"gpt-test","messages":[]}',
    });
    expect(recorded?.rawBody.equals(Buffer.from('{"model":"gpt-test","messages":[]}'))).toBe(true);
    expect(recorded?.timestamp).toBeGreaterThanOrEqual(before);
    expect(recorded?.timestamp).toBeLessThanOrEqual(Date.now());
  });

  it('should record a form body, and an unparsable JSON body with the reason', async () => {
    const fake = await demoFake.start();

    await send(fake, '/oauth/token', {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt-1', scope: 'a b' }),
    });
    await postJson(fake, '/v1/responses', '{"model":');

    expect(fake.requests[0]).toMatchObject({
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      form: { grant_type: 'refresh_token', refresh_token: 'rt-1', scope: 'a b' },
      json: undefined,
    });
    expect(fake.requests[1]?.json).toBeUndefined();
    expect(fake.requests[1]?.jsonError).toEqual(expect.any(String));
  });

  it('should find requests by method and path', async () => {
    const fake = await demoFake.start();

    await send(fake, '/v1beta/models');
    await send(fake, '/v1beta/models/gemini:generateContent', { method: 'POST' });
    await send(fake, '/v1beta/models/gemini:streamGenerateContent', { method: 'POST' });

    expect(fake.findRequests({ method: 'post' }).map((request) => request.path)).toEqual([
      '/v1beta/models/gemini:generateContent',
      '/v1beta/models/gemini:streamGenerateContent',
    ]);
    expect(fake.findRequests({ path: '/v1beta/models' })).toHaveLength(1);
    // A global RegExp keeps lastIndex between tests; the second lookup must still match.
    expect(fake.findRequests({ method: 'POST', path: /:stream/g })).toHaveLength(1);
    expect(fake.findRequests({ method: 'POST', path: /:stream/g })).toHaveLength(1);
    expect(fake.findRequests({})).toHaveLength(3);
  });

  it('should stamp requests and client closes with the fake clock', async () => {
    const fake = await demoFake.start({ now: () => 1_700_000_000_000 });
    const controller = new AbortController();

    const response = await fetch(`${fake.url}/stream`, { signal: controller.signal });
    await response.body?.getReader().read();
    controller.abort();

    await expect.poll(() => fake.clientCloses.length).toBe(1);
    expect(fake.requests[0]?.timestamp).toBe(1_700_000_000_000);
    expect(fake.clientCloses[0]?.closedAt).toBe(1_700_000_000_000);
  });
});

describe('defineFake: scenarios', () => {
  it('should play queued scenarios in order, then the default', async () => {
    const fake = await demoFake.start({ scenarios: ['bye'], defaultScenario: { text: 'default' } });
    const play = () => readJson(send(fake, '/scenario'));

    fake.enqueueScenarios({ text: 'queued' }, 'hello');

    expect(fake.pendingScenarios).toEqual([{ text: 'bye' }, { text: 'queued' }, { text: 'hello' }]);
    expect([await play(), await play(), await play(), await play()]).toEqual([
      { text: 'bye' },
      { text: 'queued' },
      { text: 'hello' },
      { text: 'default' },
    ]);
    fake.enqueueScenarios('bye');
    fake.clearScenarios();
    fake.setDefaultScenario('bye');
    expect(await play()).toEqual({ text: 'bye' });
  });

  it('should queue nothing when one scenario is invalid', async () => {
    const fake = await demoFake.start({ scenarios: ['bye'] });

    expect(() => fake.enqueueScenarios('hello', 'nope')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: 'unknown scenario "nope"' }),
    );
    expect(() => fake.setDefaultScenario('nope')).toThrow('unknown scenario "nope"');
    expect(fake.pendingScenarios).toEqual([{ text: 'bye' }]);
    expect(await readJson(send(fake, '/scenario'))).toEqual({ text: 'bye' });
    expect(await readJson(send(fake, '/scenario'))).toEqual({ text: 'hello' });
  });

  it('should refuse bad scenarios at start and any scenario on a fake without them', async () => {
    await expect(demoFake.start({ scenarios: ['hello', 'nope'] })).rejects.toThrow('unknown scenario "nope"');
    await expect(demoFake.start({ defaultScenario: 'nope' })).rejects.toThrow('unknown scenario "nope"');
    const plain = await plainFake.start();

    expect(() => plain.enqueueScenarios('hello' as never)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: 'fake plain plays no scenarios' }),
    );
  });
});

describe('defineFake: reset', () => {
  it('should forget requests, faults, scenarios and client closes, and recreate the state', async () => {
    const fake = await demoFake.start({ scenarios: ['bye'] });
    const requests = fake.requests;
    const controller = new AbortController();
    await (await fetch(`${fake.url}/stream`, { signal: controller.signal })).body?.getReader().read();
    controller.abort();
    await expect.poll(() => fake.clientCloses.length).toBe(1);
    await send(fake, '/count', { method: 'POST' });
    await send(fake, '/scenario');
    fake.enqueueScenarios('hello');
    fake.setDefaultScenario({ text: 'changed' });
    fake.faults.push({ match: {}, fault: { kind: 'status', status: 503 } });
    expect([fake.count, fake.wasReset]).toEqual([1, false]);

    fake.reset();

    expect(requests).toEqual([]);
    expect(fake.clientCloses).toEqual([]);
    expect(fake.faults.pending).toEqual([]);
    expect(fake.pendingScenarios).toEqual([{ text: 'bye' }]);
    // onReset ran on the new state, and the handle reads the new state.
    expect([fake.count, fake.wasReset]).toEqual([0, true]);
    expect(await readJson(send(fake, '/count', { method: 'POST' }))).toEqual({ count: 1 });
    expect(await readJson(send(fake, '/scenario'))).toEqual({ text: 'bye' });
    expect(await readJson(send(fake, '/scenario'))).toEqual({ text: 'hello' });
    expect(requests.map((request) => request.path)).toEqual(['/count', '/scenario', '/scenario']);
  });
});

describe('defineFake: test hooks', () => {
  it('should drive the common controls over HTTP, untouched by faults and unrecorded', async () => {
    const fake = await demoFake.start();
    const hook = (method: string, path: string, body?: unknown) =>
      readJson(
        send(fake, `/__testkit${path}`, {
          method,
          headers: { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    await postJson(fake, '/echo', { n: 1 });

    expect(
      await hook('POST', '/faults', { faults: [{ match: {}, times: 100, fault: { kind: 'status', status: 503 } }] }),
    ).toEqual({ pending: 1 });
    expect((await send(fake, '/ok')).status).toBe(503);
    expect(await hook('GET', '/requests')).toEqual({
      requests: [
        expect.objectContaining({ method: 'POST', path: '/echo', json: { n: 1 } }),
        expect.objectContaining({ method: 'GET', path: '/ok' }),
      ],
    });
    expect(await hook('GET', '/requests')).not.toHaveProperty('requests.0.rawBody');
    expect(await hook('DELETE', '/faults')).toEqual({ pending: 0 });
    expect(await hook('POST', '/scenarios', { scenarios: ['bye', { text: 'x' }] })).toEqual({ pending: 2 });
    expect(await hook('DELETE', '/scenarios')).toEqual({ pending: 0 });
    expect(await hook('POST', '/default-scenario', { scenario: 'bye' })).toEqual({ ok: true });
    expect(await readJson(send(fake, '/scenario'))).toEqual({ text: 'bye' });
    expect(await hook('POST', '/count', { count: 41 })).toEqual({ ok: true });
    expect(fake.count).toBe(41);
    expect(await hook('GET', '/client-closes')).toEqual({ clientCloses: [] });
    expect(await hook('POST', '/reset')).toEqual({ ok: true });
    expect([fake.count, fake.requests]).toEqual([0, []]);
  });

  it.each<[string, string, string, string]>([
    ['a body that is not JSON', '/faults', '{', 'hook body is not valid JSON'],
    ['a body that is not an object', '/faults', '[]', 'hook body must be an object'],
    ['faults that are not an array', '/faults', '{"faults":{}}', '"faults" must be an array'],
    ['a fault without its fault', '/faults', '{"faults":[{"match":{}}]}', '"match" and "fault" must be objects'],
    ['scenarios that are not an array', '/scenarios', '{"scenarios":"bye"}', '"scenarios" must be an array'],
    ['an unknown scenario', '/scenarios', '{"scenarios":["bye","nope"]}', 'unknown scenario "nope"'],
    ['a bad value for a fake’s own hook', '/count', '{"count":"x"}', '"count" must be a number'],
  ])('should answer 400 with the error for %s', async (_case, path, body, message) => {
    const fake = await demoFake.start();

    const response = await postJson(fake, `/__testkit${path}`, body);

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: expect.stringMatching(/^ERR_INVALID_ARG_(TYPE|VALUE)$/),
        message: expect.stringContaining(message),
      },
    });
    expect([fake.faults.pending, fake.pendingScenarios]).toEqual([[], []]);
  });
});

describe('defineFake: client closes', () => {
  it('should record abandoned answers, not finished ones or the fake’s own cuts', async () => {
    const fake = await demoFake.start();
    await send(fake, '/ok');
    await expect(send(fake, '/cut').then((response) => response.text())).rejects.toThrow();
    const streaming = new AbortController();
    await (await fetch(`${fake.url}/stream`, { signal: streaming.signal })).body?.getReader().read();
    streaming.abort();
    const pending = new AbortController();
    const abandoned = fetch(`${fake.url}/pending`, { signal: pending.signal }).catch(() => 'aborted');
    await expect.poll(() => fake.requests.length).toBe(4);
    pending.abort();
    await abandoned;

    await expect.poll(() => fake.clientCloses.length).toBe(2);
    expect(fake.clientCloses).toEqual([
      { method: 'GET', path: '/stream', closedAt: expect.any(Number), wasStreaming: true },
      { method: 'GET', path: '/pending', closedAt: expect.any(Number), wasStreaming: false },
    ]);
  });
});
