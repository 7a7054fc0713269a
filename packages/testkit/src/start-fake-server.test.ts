import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from './close-all-fake-servers.ts';
import { sendJson } from './send-json.ts';
import type { FakeServerOptions } from './start-fake-server.ts';
import { startFakeServer } from './start-fake-server.ts';

const TIMEOUT_MS = 2000;

afterEach(closeAllFakeServers);

function okHandler(): FakeServerOptions['handler'] {
  return (_request, reply) => sendJson({ reply, body: { ok: true } });
}

/** A promise that never settles, for handlers that must hang until the server closes. */
function forever(): Promise<never> {
  return new Promise<never>(() => {});
}

describe('startFakeServer', () => {
  it('should listen on an ephemeral loopback port', async () => {
    const fake = await startFakeServer({ name: 'auth', handler: okHandler() });

    expect(fake.port).toBeGreaterThan(0);
    expect(fake.url).toBe(`http://127.0.0.1:${fake.port}`);
    const response = await fetch(`${fake.url}/anything`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    expect(await response.json()).toEqual({ ok: true });
  });

  it('should record a JSON request before the handler runs', async () => {
    let countSeenByHandler = -1;
    const fake = await startFakeServer({
      name: 'openai',
      handler: (_request, reply) => {
        countSeenByHandler = fake.requests.length;
        sendJson({ reply, body: {} });
      },
    });
    const before = Date.now();

    await fetch(`${fake.url}/v1/chat/completions?stream=true&tag=a&tag=b`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer sk-test', 'X-Custom': 'yes' },
      body: JSON.stringify({ model: 'gpt-test', messages: [] }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });

    expect(countSeenByHandler).toBe(1);
    const [recorded] = fake.requests;
    expect(recorded).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
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

  it('should record a form body', async () => {
    const fake = await startFakeServer({ name: 'auth', handler: okHandler() });

    await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'rt-1', scope: 'a b' }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });

    expect(fake.requests[0]).toMatchObject({
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
      form: { grant_type: 'refresh_token', refresh_token: 'rt-1', scope: 'a b' },
      json: undefined,
    });
  });

  it('should record an unparsable JSON body with the reason', async () => {
    const fake = await startFakeServer({ name: 'openai', handler: okHandler() });

    await fetch(`${fake.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });

    expect(fake.requests[0]?.json).toBeUndefined();
    expect(fake.requests[0]?.jsonError).toEqual(expect.any(String));
  });

  it('should find requests by method and path', async () => {
    const fake = await startFakeServer({ name: 'gemini', handler: okHandler() });
    const send = (method: string, path: string) =>
      fetch(`${fake.url}${path}`, { method, signal: AbortSignal.timeout(TIMEOUT_MS) });

    await send('GET', '/v1beta/models');
    await send('POST', '/v1beta/models/gemini:generateContent');
    await send('POST', '/v1beta/models/gemini:streamGenerateContent');

    expect(fake.findRequests({ method: 'post' }).map((request) => request.path)).toEqual([
      '/v1beta/models/gemini:generateContent',
      '/v1beta/models/gemini:streamGenerateContent',
    ]);
    expect(fake.findRequests({ path: '/v1beta/models' })).toHaveLength(1);
    expect(fake.findRequests({ method: 'POST', path: /:stream/g })).toHaveLength(1);
    expect(fake.findRequests({ method: 'POST', path: /:stream/g })).toHaveLength(1);
    expect(fake.findRequests({})).toHaveLength(3);
  });

  it('should answer 500 with the message when the handler throws', async () => {
    const fake = await startFakeServer({
      name: 'codex',
      handler: () => {
        throw new Error('unexpected prompt_cache_key');
      },
    });

    const response = await fetch(`${fake.url}/backend-api/codex/responses`, {
      method: 'POST',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });

    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: 'handler for POST /backend-api/codex/responses in fake codex threw: unexpected prompt_cache_key',
    });
  });

  it('should answer 500 when an async handler rejects or request.json() fails', async () => {
    const fake = await startFakeServer({
      name: 'openai',
      handler: async (request, reply) => {
        sendJson({ reply, body: request.json() });
      },
    });

    const response = await fetch(`${fake.url}/v1/responses`, {
      method: 'POST',
      body: 'not json',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });

    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /^handler for POST \/v1\/responses in fake openai threw: /,
    );
  });

  it('should answer 500 when the handler finishes without responding', async () => {
    const fake = await startFakeServer({ name: 'google', handler: () => {} });

    const response = await fetch(`${fake.url}/token`, { signal: AbortSignal.timeout(TIMEOUT_MS) });

    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: 'handler for GET /token in fake google finished without responding',
    });
  });

  it('should cut the connection when the handler throws after the headers went out', async () => {
    const fake = await startFakeServer({
      name: 'codex',
      handler: async (_request, reply) => {
        reply.writeHead(200, { 'content-type': 'text/event-stream' });
        reply.write('data: first\n\n');
        await new Promise((resolve) => setTimeout(resolve, 20));
        throw new Error('boom mid-stream');
      },
    });

    const response = await fetch(`${fake.url}/stream`, { signal: AbortSignal.timeout(TIMEOUT_MS) });

    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it('should close keep-alive connections and resolve promptly', async () => {
    const fake = await startFakeServer({ name: 'openai', handler: okHandler() });
    // Node's default keep-alive timeout is 5 s; a close that waited for it would blow the 1 s budget below.
    await new Promise<void>((resolve, reject) => {
      const agentRequest = httpRequest(`${fake.url}/ping`, { headers: { connection: 'keep-alive' } }, (response) => {
        response.resume();
        response.on('end', resolve);
      });
      agentRequest.on('error', reject);
      agentRequest.end();
    });

    const started = performance.now();
    await fake.close();

    expect(performance.now() - started).toBeLessThan(1000);
    await expect(fetch(`${fake.url}/ping`, { signal: AbortSignal.timeout(TIMEOUT_MS) })).rejects.toThrow();
  });

  it('should close connections with a request still in flight', async () => {
    let markArrived: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      markArrived = resolve;
    });
    const fake = await startFakeServer({
      name: 'codex',
      handler: () => {
        markArrived();
        return forever();
      },
    });
    const pending = fetch(`${fake.url}/hang`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const outcome = pending.then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await arrived;

    const started = performance.now();
    await fake.close();

    expect(performance.now() - started).toBeLessThan(1000);
    // Rejected by the dropped socket, not by the 2 s timeout.
    const error = await outcome;
    expect(error).toBeInstanceOf(TypeError);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('should return the same promise when closed twice', async () => {
    const fake = await startFakeServer({ name: 'auth', handler: okHandler() });

    const first = fake.close();

    expect(fake.close()).toBe(first);
    await first;
  });

  it('should clear recorded requests and queued faults on reset', async () => {
    const fake = await startFakeServer({ name: 'auth', handler: okHandler() });
    const requests = fake.requests;
    await fetch(`${fake.url}/one`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    fake.faults.push({ match: {}, fault: { kind: 'status', status: 503 } });

    fake.reset();

    expect(requests).toHaveLength(0);
    expect(fake.faults.pending).toEqual([]);
    const response = await fetch(`${fake.url}/two`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    expect(response.status).toBe(200);
    expect(requests.map((request) => request.path)).toEqual(['/two']);
  });

  it('should let closeAllFakeServers close leftovers', async () => {
    const first = await startFakeServer({ name: 'first', handler: okHandler() });
    const second = await startFakeServer({ name: 'second', handler: okHandler() });

    await closeAllFakeServers();

    for (const fake of [first, second]) {
      await expect(fetch(`${fake.url}/`, { signal: AbortSignal.timeout(TIMEOUT_MS) })).rejects.toThrow();
    }
  });

  it.each([
    ['an empty name', { name: '', handler: okHandler() }, 'ERR_INVALID_ARG_TYPE', '"name" must be a non-empty string'],
    ['a missing handler', { name: 'x', handler: undefined }, 'ERR_INVALID_ARG_TYPE', '"handler" must be a function'],
    [
      'a public host',
      { name: 'x', handler: okHandler(), host: '0.0.0.0' },
      'ERR_INVALID_ARG_VALUE',
      '"host" must be 127.0.0.1',
    ],
  ])('should reject %s', async (_case, options, code, message) => {
    await expect(startFakeServer(options as unknown as FakeServerOptions)).rejects.toMatchObject({
      name: 'TypeError',
      code,
      message,
    });
  });
});
