import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCodexChatModel } from '../codex/codex-chat-model.ts';
import { UpstreamTimeoutError } from '../errors/upstream-timeout-error.ts';
import { createGeminiChatModel } from '../gemini/gemini-chat-model.ts';
import { listOpenAiCompatibleModels } from '../openai/list-openai-compatible-models.ts';
import { createOpenAiCompatibleChatModel } from '../openai/openai-chat-model.ts';
import { catchError } from '../test/catch-error.ts';
import { convertStreamToArray } from '../test/convert-stream-to-array.ts';
import { CODEX_FIXTURES, readFixtureLines } from '../test/read-fixture-lines.ts';
import { createUpstreamFetch, upstreamDispatcherOf } from './create-upstream-fetch.ts';
import { readSseEvents } from './parse-sse-stream.ts';
import { postUpstream } from './post-upstream.ts';
import { toTransportError } from './to-transport-error.ts';

/** `timing`: also assert the wall-clock bounds (the tolerant job of `vitest.timing.config.ts`). */
export type TimingOptions = { timing: boolean };

/**
 * The upstream fetch's timeout tests, registered by `create-upstream-fetch.test.ts` (behaviour only) and
 * `create-upstream-fetch.timing.test.ts` (also how soon after the idle limit the failure and the close came).
 */
export function describeUpstreamFetchTimeouts({ timing }: TimingOptions): void {
  // Issue 16 (3): one set of upstream timeouts under every way the adapters reach an upstream — `postUpstream` (the
  // Codex backend and the chat relay), fetch (model lists, key checks) and the AI SDK's fetch (OpenAI-compatible and
  // Gemini chat) — against a loopback server that starts an answer and then goes silent.

  const IDLE_MS = 300;
  /** undici checks its timers on a coarse tick; the answer must come within this much after the limit. */
  const MARGIN_MS = 1500;
  const prompt: LanguageModelV3Prompt = [{ role: 'user', content: [{ type: 'text', text: 'Say hi' }] }];

  type Behaviour = (request: IncomingMessage, response: ServerResponse) => void;

  let server: Server;
  let url: string;
  let behaviour: Behaviour = (_request, response) => response.end();
  /** Connections the server saw closed, and when: proof the gateway let go of the upstream. */
  const closedAt: number[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.once('end', () => behaviour(request, response));
    });
    server.on('connection', (socket) => socket.once('close', () => closedAt.push(performance.now())));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const upstreamFetch = createUpstreamFetch({
    connectTimeoutMs: 2000,
    firstByteTimeoutMs: 600,
    idleTimeoutMs: IDLE_MS,
  });
  afterAll(() => upstreamFetch.close());
  afterEach(() => {
    closedAt.length = 0;
  });

  /** Headers and the given start of an answer, then nothing, with the connection left open. */
  function startThenStall(contentType: string, start: string): Behaviour {
    return (_request, response) => {
      response.writeHead(200, { 'content-type': contentType });
      response.write(start);
    };
  }

  /** Resolves once the server saw a connection close (bounded: the test's own timeout). */
  async function connectionClosed(): Promise<number> {
    for (let turn = 0; closedAt.length === 0 && turn < 100; turn += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const at = closedAt[0];
    if (at == null) throw new Error('the upstream connection was never closed');
    return at;
  }

  describe('issue 16: the upstream fetch’s timeouts', () => {
    it('issue 16: postUpstream through the pool: a body silent past the idle limit fails typed and closes the socket', async () => {
      behaviour = startThenStall('text/event-stream', 'data: {"n":1}\n\n');
      const response = await postUpstream({ url: `${url}/sse`, headers: {}, body: '{}', fetch: upstreamFetch });
      const events = readSseEvents(response.body);
      expect((await events.read()).value?.data).toBe('{"n":1}');
      const startedAt = performance.now();
      const error = toTransportError(await catchError(events.read()), `${url}/sse`);
      const elapsed = performance.now() - startedAt;
      expect(error).toBeInstanceOf(UpstreamTimeoutError);
      expect((error as Error).message).toMatch(/went silent in the middle of its answer/);
      expect(elapsed).toBeGreaterThanOrEqual(IDLE_MS - 20);
      const closedAt = await connectionClosed();
      if (timing) {
        expect(elapsed).toBeLessThan(IDLE_MS + MARGIN_MS);
        expect(closedAt).toBeLessThan(startedAt + IDLE_MS + MARGIN_MS);
      }
    });

    it('issue 16: an upstream that never sends its headers fails with the first-byte timeout', async () => {
      behaviour = () => {};
      const error = await catchError(
        postUpstream({ url: `${url}/none`, headers: {}, body: '{}', fetch: upstreamFetch }),
      );
      expect(toTransportError(error, `${url}/none`)).toMatchObject({
        code: 'upstream_timeout',
        message: expect.stringMatching(/did not start answering in time/),
      });
      await connectionClosed();
    });

    it('issue 16: fetch through the pool (a model list) times out a silent body the same way', async () => {
      behaviour = startThenStall('application/json', '{"data":[');
      const error = await catchError(
        listOpenAiCompatibleModels({ baseUrl: url, apiKey: 'sk-x', fetch: upstreamFetch }),
      );
      expect(error).toBeInstanceOf(UpstreamTimeoutError);
      await connectionClosed();
    });

    it('issue 16: the Codex model ends a stream gone silent after output with a timeout error part, and throws one before', async () => {
      const lines = readFixtureLines(CODEX_FIXTURES, 'codex-text');
      const frame = (line: string) => `event: ${JSON.parse(line).type}\ndata: ${line}\n\n`;
      const model = createCodexChatModel({
        modelId: 'gpt-5.5',
        baseUrl: url,
        fetch: upstreamFetch,
        getCredentials: async () => ({ accessToken: 'access-1', accountId: 'acct-1' }),
        conversationId: '01a209a7-7fb3-7f32-aa02-2b7ce5753d0d',
        originator: 'pag_gateway',
        userAgent: 'pag_gateway/0.1.0',
      });
      behaviour = startThenStall('text/event-stream', lines.slice(0, 5).map(frame).join(''));
      const { stream } = await model.doStream({ prompt });
      const parts = await convertStreamToArray(stream);
      expect(parts.slice(-3)).toEqual([
        { type: 'text-end', id: expect.any(String) },
        { type: 'error', error: expect.any(UpstreamTimeoutError) },
        expect.objectContaining({ type: 'finish' }),
      ]);

      behaviour = startThenStall('text/event-stream', lines.slice(0, 2).map(frame).join(''));
      await expect(model.doStream({ prompt })).rejects.toBeInstanceOf(UpstreamTimeoutError);
    });

    it('issue 16: the OpenAI-compatible chat model ends a stream gone silent with a typed timeout, not a raw error', async () => {
      const chunk = {
        id: 'chatcmpl-1',
        object: 'chat.completion.chunk',
        created: 1767000000,
        model: 'gpt-x',
        choices: [{ index: 0, delta: { role: 'assistant', content: 'Hel' }, finish_reason: null }],
      };
      behaviour = startThenStall('text/event-stream', `data: ${JSON.stringify(chunk)}\n\n`);
      const model = createOpenAiCompatibleChatModel({
        baseUrl: url,
        apiKey: 'sk-x',
        modelId: 'gpt-x',
        providerName: 'openai',
        fetch: upstreamFetch,
      });
      const { stream } = await model.doStream({ prompt });
      const parts = await convertStreamToArray(stream);
      expect(parts.find((part) => part.type === 'error')).toEqual({
        type: 'error',
        error: expect.any(UpstreamTimeoutError),
      });
      await connectionClosed();
    });

    it('issue 16: the Gemini model (AI SDK, through its auth and re-framing fetch) ends a silent stream the same way', async () => {
      const chunk = { candidates: [{ content: { parts: [{ text: 'Hel' }], role: 'model' }, index: 0 }] };
      behaviour = startThenStall('text/event-stream', `data: ${JSON.stringify(chunk)}\r\n\r\n`);
      const model = createGeminiChatModel({
        baseUrl: `${url}/v1beta`,
        modelId: 'gemini-x',
        auth: { apiKey: 'AIza-test' },
        fetch: upstreamFetch,
      });
      const { stream } = await model.doStream({ prompt });
      const parts = await convertStreamToArray(stream);
      expect(parts.find((part) => part.type === 'error')).toEqual({
        type: 'error',
        error: expect.any(UpstreamTimeoutError),
      });
      await connectionClosed();
    });

    it('issue 16: a slow reader is not a silent upstream: the idle timer waits while the reader holds back', async () => {
      const body = Buffer.alloc(16 * 1024 * 1024, 'a');
      let isFlushed = false;
      behaviour = (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/octet-stream' });
        response.end(body, () => {
          isFlushed = true;
        });
      };
      const response = await postUpstream({ url: `${url}/big`, headers: {}, body: '{}', fetch: upstreamFetch });
      let received = (await response.body.read()).value?.length ?? 0;
      // The reader takes longer than the idle limit before it asks again, while the upstream's bytes wait in buffers.
      await new Promise((resolve) => setTimeout(resolve, IDLE_MS * 3));
      // Held back mid-body by the reader (TCP backpressure), not silent of its own accord.
      expect(isFlushed).toBe(false);
      for (let next = await response.body.read(); !next.done; next = await response.body.read()) {
        received += next.value.length;
      }
      expect(received).toBe(body.length);
    });

    it('issue 16: is recognised by postUpstream as the gateway’s own; any other fetch is used as given', () => {
      expect(upstreamDispatcherOf(upstreamFetch)).toBe(upstreamFetch.dispatcher);
      expect(upstreamDispatcherOf(globalThis.fetch)).toBeUndefined();
      expect(upstreamDispatcherOf(undefined)).toBeUndefined();
    });
  });
}
