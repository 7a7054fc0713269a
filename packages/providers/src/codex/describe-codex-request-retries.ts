import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import { describe, expect, it, vi } from 'vitest';
import { aggregateStream } from '../common/aggregate-stream.ts';
import { InvalidRequestError } from '../errors/invalid-request-error.ts';
import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { UpstreamTimeoutError } from '../errors/upstream-timeout-error.ts';
import { UsageLimitError } from '../errors/usage-limit-error.ts';
import { catchError } from '../test/catch-error.ts';
import { createRecordingFetch } from '../test/create-recording-fetch.ts';
import { createJsonResponse, createSseResponse } from '../test/create-sse-response.ts';
import { CODEX_FIXTURES, readFixtureLines } from '../test/read-fixture-lines.ts';
import { createCodexChatModel } from './codex-chat-model.ts';
import type { CodexChatModelSettings } from './codex-options.ts';
import type { UpstreamRetry } from './codex-retry-policy.ts';

/** `timing`: also assert the wall-clock bounds (the tolerant job of `vitest.timing.config.ts`). */
export type TimingOptions = { timing: boolean };

/**
 * The Codex request's retry and deadline tests, registered by `send-codex-request.test.ts` (behaviour only) and
 * `send-codex-request.timing.test.ts` (also how long giving up took, which a loaded machine can stretch).
 */
export function describeCodexRequestRetries({ timing }: TimingOptions): void {
  const prompt: LanguageModelV3Prompt = [{ role: 'user', content: [{ type: 'text', text: 'Say hi' }] }];
  const textResponse = () => createSseResponse(readFixtureLines(CODEX_FIXTURES, 'codex-handmade-text'));
  const overloaded = () =>
    createJsonResponse(
      { error: { code: 'server_is_overloaded', message: 'Our servers are currently overloaded.' } },
      { status: 503 },
    );
  const connectionReset = () => {
    throw new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
  };

  function createModel(fetch: typeof globalThis.fetch, overrides: Partial<CodexChatModelSettings> = {}) {
    const retries: UpstreamRetry[] = [];
    const model = createCodexChatModel({
      modelId: 'gpt-5.5',
      baseUrl: 'https://chatgpt.example/backend-api',
      fetch,
      getCredentials: async () => ({ accessToken: 'access-1', accountId: 'acct-abc123' }),
      conversationId: 'conversation-1',
      originator: 'pag_gateway',
      userAgent: 'pag_gateway/0.1.0',
      onRetry: (retry) => retries.push(retry),
      ...overrides,
    });
    return { model, retries };
  }

  describe('issue 14: retries before the first byte, as the official client retries', () => {
    it.each([
      ['a 500', () => createJsonResponse('Internal Server Error', { status: 500 })],
      ['a 502', () => createJsonResponse('Bad Gateway', { status: 502 })],
      ['a 503 overloaded', overloaded],
      ['a 504', () => createJsonResponse('Gateway Timeout', { status: 504 })],
    ])('should answer after %s by sending the request again', async (_name, failure) => {
      const { fetch, requests } = createRecordingFetch(failure(), textResponse());
      const { model, retries } = createModel(fetch);

      const { stream } = await model.doStream({ prompt });
      const result = await aggregateStream(stream);

      expect(result.errors).toEqual([]);
      expect(result.content).toEqual([{ type: 'text', text: 'Hello there!' }]);
      expect(requests).toHaveLength(2);
      expect(requests[1]?.body).toEqual(requests[0]?.body);
      expect(retries).toEqual([{ attempt: 1, delayMs: expect.any(Number), reason: expect.stringMatching(/^HTTP 50/) }]);
      expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(180);
      expect(retries[0]?.delayMs).toBeLessThanOrEqual(220);
    });

    it('should send again after a connection reset', async () => {
      let calls = 0;
      const fetch = async () => {
        calls += 1;
        return calls === 1 ? connectionReset() : textResponse();
      };
      const { model, retries } = createModel(fetch as typeof globalThis.fetch);
      const result = await aggregateStream((await model.doStream({ prompt })).stream);
      expect(result.errors).toEqual([]);
      expect(calls).toBe(2);
      expect(retries).toEqual([{ attempt: 1, delayMs: expect.any(Number), reason: 'upstream_connection_failed' }]);
    });

    it('should give up after 4 retries with backoff growing from about 200 ms', async () => {
      const { fetch, requests } = createRecordingFetch(overloaded());
      const { model, retries } = createModel(fetch);

      const error = await catchError(model.doStream({ prompt }));

      expect(error).toBeInstanceOf(UpstreamApiError);
      expect(error).toMatchObject({ statusCode: 503 });
      expect(requests).toHaveLength(5);
      expect(retries.map((retry) => retry.attempt)).toEqual([1, 2, 3, 4]);
      for (const [index, retry] of retries.entries()) {
        expect(retry.delayMs).toBeGreaterThanOrEqual(0.9 * 200 * 2 ** index);
        expect(retry.delayMs).toBeLessThanOrEqual(1.1 * 200 * 2 ** index);
      }
    });

    it('should wait as long as Retry-After asks', async () => {
      const { fetch } = createRecordingFetch(
        createJsonResponse('busy', { status: 503, headers: { 'retry-after': '1' } }),
        textResponse(),
      );
      const { model, retries } = createModel(fetch);
      const startedAt = performance.now();
      await aggregateStream((await model.doStream({ prompt })).stream);
      expect(retries[0]?.delayMs).toBe(1000);
      expect(performance.now() - startedAt).toBeGreaterThanOrEqual(990);
    });

    it.each([
      [
        'a usage limit',
        () =>
          createJsonResponse(
            {
              error: {
                type: 'usage_limit_reached',
                message: 'The usage limit has been reached',
                resets_in_seconds: 60,
              },
            },
            { status: 429 },
          ),
        UsageLimitError,
      ],
      [
        'a rate limit',
        () => createJsonResponse({ error: { code: 'rate_limit_exceeded', message: 'Slow down' } }, { status: 429 }),
        UpstreamApiError,
      ],
      [
        'a 400',
        () => createJsonResponse({ detail: 'Store must be set to false' }, { status: 400 }),
        InvalidRequestError,
      ],
      ['a 403', () => createJsonResponse({ detail: 'Forbidden' }, { status: 403 }), UpstreamApiError],
    ])('should never retry %s', async (_name, failure, errorClass) => {
      const { fetch, requests } = createRecordingFetch(failure(), textResponse());
      const { model, retries } = createModel(fetch);
      const error = await catchError(model.doStream({ prompt }));
      expect(error).toBeInstanceOf(errorClass);
      expect(requests).toHaveLength(1);
      expect(retries).toEqual([]);
    });

    it('should start no retry that would end past the first-byte deadline', async () => {
      const { fetch, requests } = createRecordingFetch(overloaded());
      const { model, retries } = createModel(fetch, { firstByteTimeoutMs: 700 });
      const startedAt = performance.now();
      const error = await catchError(model.doStream({ prompt }));
      expect(error).toMatchObject({ statusCode: 503 });
      // 200 ms and 400 ms fit in 700 ms; the third wait (800 ms) would not.
      expect(retries.map((retry) => retry.attempt)).toEqual([1, 2]);
      expect(requests).toHaveLength(3);
      if (timing) expect(performance.now() - startedAt).toBeLessThan(700);
    });

    it('should abort an upstream that has not answered by the deadline, as a typed timeout', async () => {
      const signals: AbortSignal[] = [];
      const fetch = (_url: unknown, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          const signal = init?.signal as AbortSignal;
          signals.push(signal);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      const { model, retries } = createModel(fetch as typeof globalThis.fetch, { firstByteTimeoutMs: 300 });
      const startedAt = performance.now();
      const error = await catchError(model.doStream({ prompt }));
      expect(error).toBeInstanceOf(UpstreamTimeoutError);
      if (timing) expect(performance.now() - startedAt).toBeLessThan(1000);
      expect(signals.every((signal) => signal.aborted)).toBe(true);
      expect(retries).toEqual([]);
    });

    it("should not cut a stream that outlives the deadline once it has begun, and still pass the client's abort", async () => {
      const { fetch, requests } = createRecordingFetch(
        createSseResponse(readFixtureLines(CODEX_FIXTURES, 'codex-text'), { keepOpen: true }),
      );
      const { model } = createModel(fetch, { firstByteTimeoutMs: 100 });
      const controller = new AbortController();
      const { stream } = await model.doStream({ prompt, abortSignal: controller.signal });
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(requests[0]?.signal?.aborted).toBe(false);
      const reader = stream.getReader();
      expect((await reader.read()).done).toBe(false);
      controller.abort();
      expect(requests[0]?.signal?.aborted).toBe(true);
      reader.releaseLock();
    });

    it('should stop waiting to retry when the client leaves', async () => {
      const { fetch, requests } = createRecordingFetch(
        createJsonResponse('busy', { status: 503, headers: { 'retry-after': '30' } }),
      );
      const controller = new AbortController();
      const onRetry = vi.fn(() => setTimeout(() => controller.abort(), 20));
      const startedAt = performance.now();
      await catchError(createModel(fetch, { onRetry }).model.doStream({ prompt, abortSignal: controller.signal }));
      expect(onRetry).toHaveBeenCalledTimes(1);
      expect(requests).toHaveLength(1);
      if (timing) expect(performance.now() - startedAt).toBeLessThan(1000);
    });
  });
}
