import type { ServerResponse } from 'node:http';
import { type FakeOpenAiAuth, startFakeOpenAiAuth } from '@pag/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../domain/accounts/create-api-key.ts';
import { saveApiCredential } from '../domain/credentials/save-api-credential.ts';
import { buildTestApp, type TestApp } from './build-test-app.ts';
import { seedChatgptConnection } from './seed-chatgpt-connection.ts';
import { type ScriptedRequest, type ScriptedUpstream, startScriptedUpstream } from './start-scripted-upstream.ts';

/** `timing`: also assert the wall-clock bounds (the tolerant job of `vitest.timing.config.ts`). */
export type TimingOptions = { timing: boolean };

/**
 * The upstream-fault tests, registered by `upstream-faults.test.ts` (behaviour only) and
 * `upstream-faults.timing.test.ts` (also the bounds on how long the client waits and how soon the upstream
 * connection closes, which a loaded machine can miss).
 */
export function describeUpstreamFaults({ timing }: TimingOptions): void {
  // Issue 16 (3, 7): an upstream that starts an answer and goes silent, or is cut off mid-stream, on every API and
  // both providers' paths (the subscription's Codex backend, relayed and translated; an OpenAI-compatible key,
  // relayed). The client gets a typed error — 504 `upstream_timeout` before output, an error event after — within
  // the idle limit and a margin, never an endless wait or a stream that looks complete; the upstream connection is
  // closed (seen from the upstream's side).

  const IDLE_MS = 300;
  /** undici checks its timers on a coarse clock (up to about a second late); the rest is the request itself. */
  const MARGIN_MS = 2000;
  const TEST_TIMEOUT_MS = 15_000;
  /** How soon the upstream connection must close: promptly in the timing job, else only before the test's end. */
  const closeWithinMs = timing ? 1000 : TEST_TIMEOUT_MS / 2;

  /** The client waited no longer than the idle limit and a margin (asserted in the timing job only). */
  function expectWithinIdleLimit(ms: number, label?: string): void {
    if (timing) expect(ms, label).toBeLessThan(IDLE_MS + MARGIN_MS);
  }

  let upstream: ScriptedUpstream;
  let fakeAuth: FakeOpenAiAuth;
  let test: TestApp;
  let url: string;
  let apiKey: string;

  /** How the Codex backend answers `/codex/responses` in the current test. */
  let codexMode: 'stall' | 'cut-mid-event' | 'end-early' = 'stall';
  /** How the OpenAI-compatible API answers `/chat/completions` in the current test. */
  let openAiMode: 'stall' | 'cut' = 'stall';

  const RESPONSE = { id: 'resp_scripted', object: 'response', created_at: 1767000000, status: 'in_progress' };
  const MESSAGE = { id: 'msg_scripted', type: 'message', role: 'assistant', status: 'in_progress', content: [] };
  const at = { item_id: MESSAGE.id, output_index: 0, content_index: 0 };

  function codexEvent(sequence: number, type: string, fields: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...fields })}\n\n`;
  }

  /** The start of an answer: created, in progress, a message with its first words. */
  const CODEX_START = [
    codexEvent(0, 'response.created', { response: RESPONSE }),
    codexEvent(1, 'response.in_progress', { response: RESPONSE }),
    codexEvent(2, 'response.output_item.added', { output_index: 0, item: MESSAGE }),
    codexEvent(3, 'response.content_part.added', { ...at, part: { type: 'output_text', text: '', annotations: [] } }),
    codexEvent(4, 'response.output_text.delta', { ...at, delta: 'Hel' }),
  ].join('');
  const NEXT_DELTA = codexEvent(5, 'response.output_text.delta', { ...at, delta: 'lo' });

  function chatChunk(delta: Record<string, unknown>): string {
    const chunk = {
      id: 'chatcmpl-scripted',
      object: 'chat.completion.chunk',
      created: 1767000000,
      model: 'gpt-x',
      choices: [{ index: 0, delta, finish_reason: null }],
    };
    return `data: ${JSON.stringify(chunk)}\n\n`;
  }

  /** Writes, then destroys the socket once the bytes are out: a connection cut, not a clean end. */
  function writeThenCut(response: ServerResponse, text: string): void {
    response.write(text, () => response.socket?.destroy());
  }

  beforeAll(async () => {
    upstream = await startScriptedUpstream();
    upstream.answerWith((request, response, body) => {
      const path = request.url ?? '';
      if (path.startsWith('/codex/models')) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ models: [{ slug: 'gpt-5.5', display_name: 'GPT-5.5', visibility: 'list' }] }));
        return;
      }
      if (path === '/openai/v1/models') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ object: 'list', data: [{ id: 'gpt-x', object: 'model', owned_by: 'test' }] }));
        return;
      }
      if (path === '/codex/responses') {
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        if (codexMode === 'stall') response.write(CODEX_START);
        else if (codexMode === 'end-early') response.end(CODEX_START);
        else writeThenCut(response, CODEX_START + NEXT_DELTA.slice(0, 40));
        return;
      }
      if (path === '/openai/v1/chat/completions') {
        const isStream = (JSON.parse(body) as { stream?: boolean }).stream === true;
        if (!isStream) {
          response.writeHead(200, { 'content-type': 'application/json' });
          if (openAiMode === 'stall') response.write('{"id":"chatcmpl-scripted",');
          else writeThenCut(response, '{"id":"chatcmpl-scripted",');
          return;
        }
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        const start = chatChunk({ role: 'assistant', content: 'Hel' });
        if (openAiMode === 'stall') response.write(start);
        else writeThenCut(response, start);
        return;
      }
      response.writeHead(404).end();
    });
    fakeAuth = await startFakeOpenAiAuth({ accounts: [{ email: 'owner@example.com' }] });
    test = await buildTestApp(
      { GATEWAY_CHATGPT_BACKEND_URL: upstream.url, GATEWAY_OPENAI_AUTH_URL: fakeAuth.url },
      { config: { upstreamIdleTimeoutMs: IDLE_MS } },
    );
    url = await test.app.listen({ host: '127.0.0.1', port: 0 });
    const { user } = await seedChatgptConnection({
      context: test.connections,
      fake: fakeAuth,
      accessTokenTtlSeconds: 3600,
    });
    apiKey = (await createApiKey(test.connections, { userId: user.id, name: 'faults' })).secret;
    await saveApiCredential(test.connections, {
      userId: user.id,
      provider: 'openai',
      apiKey: 'sk-scripted-0001',
      baseUrl: `${upstream.url}/openai/v1`,
      validate: async () => {},
    });
  });
  afterAll(async () => {
    await test?.close();
    await Promise.all([upstream?.close(), fakeAuth?.close()]);
  });

  async function post(
    path: string,
    body: Record<string, unknown>,
  ): Promise<{ response: Response; text: string; ms: number }> {
    const startedAt = performance.now();
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TEST_TIMEOUT_MS - 1000),
    });
    const text = await response.text();
    return { response, text, ms: performance.now() - startedAt };
  }

  /** An SSE body as events: the `event:` name (if any) and the parsed `data:` (JSON, else the raw text). */
  function readEvents(text: string): { event: string | undefined; data: unknown; raw: string }[] {
    return text
      .split('\n\n')
      .filter((block) => block.trim() !== '')
      .map((block) => {
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data: '))
          .map((line) => line.slice(6))
          .join('\n');
        let parsed: unknown = data;
        try {
          parsed = JSON.parse(data);
        } catch {}
        return { event, data: parsed, raw: block };
      });
  }

  function lastUpstreamRequest(path: string): ScriptedRequest {
    const request = upstream.requests.findLast((candidate) => candidate.path === path);
    if (request == null) throw new Error(`the upstream never got ${path}`);
    return request;
  }

  describe('issue 16 (3): an upstream that starts answering and goes silent', () => {
    it(
      'issue 16: /api/ai/chat answers 504 upstream_timeout within the idle limit and closes the upstream connection',
      async () => {
        codexMode = 'stall';
        const { response, text, ms } = await post('/api/ai/chat', { content: 'Hi', model: 'chatgpt/gpt-5.5' });
        expect(response.status).toBe(504);
        expect(JSON.parse(text)).toEqual({
          error: { code: 'upstream_timeout', message: expect.stringMatching(/went silent/) },
        });
        expect(response.headers.get('retry-after')).toBe('5');
        expectWithinIdleLimit(ms);
        await upstream.closed(lastUpstreamRequest('/codex/responses'), closeWithinMs);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'issue 16: /api/ai/stream ends with an error event (upstream_timeout), not endless keep-alives',
      async () => {
        codexMode = 'stall';
        const { response, text, ms } = await post('/api/ai/stream', { content: 'Hi', model: 'chatgpt/gpt-5.5' });
        expect(response.status).toBe(200);
        const events = readEvents(text);
        expect(events.map((event) => event.event)).toEqual(['delta', 'error']);
        expect(events.at(-1)?.data).toMatchObject({ type: 'error', code: 'upstream_timeout', retryAfter: 5 });
        expect(text).not.toContain(': keep-alive');
        expectWithinIdleLimit(ms);
        await upstream.closed(lastUpstreamRequest('/codex/responses'), closeWithinMs);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'issue 16: the /v1/responses relay ends the stream with response.failed (upstream_timeout) after the relayed events',
      async () => {
        codexMode = 'stall';
        const { response, text, ms } = await post('/v1/responses', {
          model: 'chatgpt/gpt-5.5',
          input: 'Hi',
          stream: true,
        });
        expect(response.status).toBe(200);
        const events = readEvents(text);
        expect(events.map((event) => event.event)).toEqual([
          'response.created',
          'response.in_progress',
          'response.output_item.added',
          'response.content_part.added',
          'response.output_text.delta',
          'response.failed',
        ]);
        expect(events.at(-1)?.data).toEqual({
          type: 'response.failed',
          sequence_number: 5,
          response: {
            ...RESPONSE,
            status: 'failed',
            error: { code: 'upstream_timeout', message: expect.stringMatching(/went silent/) },
          },
        });
        expectWithinIdleLimit(ms);
        await upstream.closed(lastUpstreamRequest('/codex/responses'), closeWithinMs);
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'issue 16: /v1/responses and /v1/chat/completions on the subscription, not streamed, answer 504 upstream_timeout',
      async () => {
        codexMode = 'stall';
        for (const [path, body] of [
          ['/v1/responses', { model: 'chatgpt/gpt-5.5', input: 'Hi' }],
          ['/v1/chat/completions', { model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'Hi' }] }],
        ] as const) {
          const { response, text, ms } = await post(path, body);
          expect(response.status, path).toBe(504);
          expect(JSON.parse(text), path).toMatchObject({ error: { code: 'upstream_timeout', type: 'server_error' } });
          expectWithinIdleLimit(ms, path);
        }
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'issue 16: /v1/chat/completions streamed, translated (subscription) or relayed (API key), ends with an error chunk',
      async () => {
        codexMode = 'stall';
        openAiMode = 'stall';
        for (const [model, upstreamPath] of [
          ['chatgpt/gpt-5.5', '/codex/responses'],
          ['openai/gpt-x', '/openai/v1/chat/completions'],
        ] as const) {
          const { response, text, ms } = await post('/v1/chat/completions', {
            model,
            messages: [{ role: 'user', content: 'Hi' }],
            stream: true,
          });
          expect(response.status, model).toBe(200);
          const events = readEvents(text);
          expect(text, model).toContain('"content":"Hel"');
          expect(events.at(-1)?.data, model).toMatchObject({ error: { code: 'upstream_timeout' } });
          expect(text, model).not.toContain('[DONE]');
          expectWithinIdleLimit(ms, model);
          await upstream.closed(lastUpstreamRequest(upstreamPath), closeWithinMs);
        }
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'issue 16: the chat-completions relay, not streamed, answers 504 upstream_timeout on a body gone silent',
      async () => {
        openAiMode = 'stall';
        const { response, text, ms } = await post('/v1/chat/completions', {
          model: 'openai/gpt-x',
          messages: [{ role: 'user', content: 'Hi' }],
        });
        expect(response.status).toBe(504);
        expect(JSON.parse(text)).toMatchObject({ error: { code: 'upstream_timeout' } });
        expectWithinIdleLimit(ms);
        await upstream.closed(lastUpstreamRequest('/openai/v1/chat/completions'), closeWithinMs);
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe('issue 16 (7): /v1/responses on an upstream cut mid-stream', () => {
    it(
      'issue 16: a connection cut mid-event ends the relayed stream with response.failed, never half an event',
      async () => {
        codexMode = 'cut-mid-event';
        const { response, text } = await post('/v1/responses', { model: 'chatgpt/gpt-5.5', input: 'Hi', stream: true });
        expect(response.status).toBe(200);
        const events = readEvents(text);
        // Every event the client got is whole: its data parses.
        for (const event of events) expect(typeof event.data, event.raw).toBe('object');
        expect(events.map((event) => event.event)).toEqual([
          'response.created',
          'response.in_progress',
          'response.output_item.added',
          'response.content_part.added',
          'response.output_text.delta',
          'response.failed',
        ]);
        expect(events.at(-1)?.data).toMatchObject({
          sequence_number: 5,
          response: { id: RESPONSE.id, status: 'failed', error: { code: 'upstream_unavailable' } },
        });
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'issue 16: a stream that ends cleanly without response.completed ends with response.failed too',
      async () => {
        codexMode = 'end-early';
        const { text } = await post('/v1/responses', { model: 'chatgpt/gpt-5.5', input: 'Hi', stream: true });
        const events = readEvents(text);
        expect(events.at(-1)?.data).toMatchObject({
          type: 'response.failed',
          response: {
            status: 'failed',
            error: { code: 'upstream_unavailable', message: expect.stringMatching(/before response\.completed/) },
          },
        });
        expect(readEvents(text).map((event) => event.event)).not.toContain('response.completed');
      },
      TEST_TIMEOUT_MS,
    );

    it(
      'issue 16: not streamed, a cut answers 502 with a typed upstream error, not 500 internal_error',
      async () => {
        codexMode = 'cut-mid-event';
        const { response, text } = await post('/v1/responses', { model: 'chatgpt/gpt-5.5', input: 'Hi' });
        expect(response.status).toBe(502);
        expect(JSON.parse(text)).toMatchObject({ error: { code: 'upstream_unavailable', type: 'server_error' } });
        expect(response.headers.get('retry-after')).toBe('5');
      },
      TEST_TIMEOUT_MS,
    );
  });

  // Already so before issue 16 (the runner's part stream turns a cut into an error part); kept beside the relay's
  // cases so both paths of /v1/responses stay covered by one fault.
  describe('/v1/responses translated, on an upstream cut mid-stream', () => {
    it(
      'translated (an API-key model), a cut ends the stream with response.failed, and answers 502 unstreamed',
      async () => {
        openAiMode = 'cut';
        const streamed = await post('/v1/responses', { model: 'openai/gpt-x', input: 'Hi', stream: true });
        const events = readEvents(streamed.text);
        expect(events.at(-1)?.data).toMatchObject({
          type: 'response.failed',
          response: { status: 'failed', error: { code: 'upstream_unavailable' } },
        });
        expect(events.map((event) => event.event)).not.toContain('response.completed');

        const collected = await post('/v1/responses', { model: 'openai/gpt-x', input: 'Hi' });
        expect(collected.response.status).toBe(502);
        expect(JSON.parse(collected.text)).toMatchObject({ error: { code: 'upstream_unavailable' } });
      },
      TEST_TIMEOUT_MS,
    );
  });
}
