import { GatewayClientError } from '@pag/client';
import { type AiRequest, type AiStreamEvent, CSRF_HEADER } from '@pag/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { createSessionGatewayClient } from './create-session-gateway-client.ts';
import { gatewayClientErrorToApiError } from './gateway-client-error-to-api-error.ts';

// Issue 15: the playground streams through `@pag/client` (the note apps' SSE reader) with the session cookie and
// the CSRF header, and still reports failures as this app's ApiError. Issue 18: through `useAiStream`, so this is
// the client the page gives the hook, and the mapping of the hook's errors.
const ORIGIN = 'http://gateway.test';
const DONE = {
  type: 'done',
  model: 'chatgpt/gpt-5.5',
  provider: 'chatgpt',
  usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 2, reasoningTokens: 0, totalTokens: 3 },
  finishReason: 'stop',
};

type RecordedCall = { url: string; init: RequestInit | undefined };

function stubFetch(answer: (init: RequestInit | undefined) => Response | Promise<Response>) {
  const calls: RecordedCall[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    calls.push({ url: String(input), init });
    return answer(init);
  };
  return { calls, fetch };
}

function sse(events: { name: string; data: unknown }[]): Response {
  const body = events.map((event) => `event: ${event.name}\ndata: ${JSON.stringify(event.data)}\n\n`).join('');
  return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
}

async function collect(events: AsyncIterable<AiStreamEvent>): Promise<AiStreamEvent[]> {
  const all: AiStreamEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function captureError(events: AsyncIterable<AiStreamEvent>): Promise<unknown> {
  try {
    await collect(events);
  } catch (error) {
    return error instanceof GatewayClientError ? gatewayClientErrorToApiError(error) : error;
  }
  throw new Error('expected the stream to fail');
}

function streamAnswer(options: {
  request: AiRequest;
  csrfToken: string | null;
  signal: AbortSignal;
  fetch: typeof fetch;
  origin: string;
}): AsyncIterable<AiStreamEvent> {
  const client = createSessionGatewayClient({
    csrfToken: options.csrfToken,
    fetch: options.fetch,
    origin: options.origin,
  });
  return client.stream(options.request, { signal: options.signal });
}

describe('createSessionGatewayClient', () => {
  it('should post with the CSRF header and no API key, and yield the events up to done', async () => {
    const { calls, fetch } = stubFetch(() =>
      sse([
        { name: 'reasoning', data: { type: 'reasoning', text: 'Thinking' } },
        { name: 'delta', data: { type: 'delta', text: 'Hel' } },
        { name: 'novelty', data: { type: 'novelty', from: 'a newer gateway' } },
        { name: 'delta', data: { type: 'delta', text: 'lo' } },
        { name: 'done', data: DONE },
      ]),
    );
    const events = await collect(
      streamAnswer({
        request: { content: 'Hi' },
        csrfToken: 'csrf-1',
        signal: new AbortController().signal,
        fetch,
        origin: ORIGIN,
      }),
    );
    expect(events).toEqual([
      { type: 'reasoning', text: 'Thinking' },
      { type: 'delta', text: 'Hel' },
      { type: 'delta', text: 'lo' },
      DONE,
    ]);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe(`${ORIGIN}/api/ai/stream`);
    const init = calls[0]?.init;
    expect(init?.method).toBe('POST');
    expect(init?.credentials).toBe('same-origin');
    expect(JSON.parse(String(init?.body))).toEqual({ content: 'Hi' });
    const headers = new Headers(init?.headers);
    expect(headers.get(CSRF_HEADER)).toBe('csrf-1');
    expect(headers.get('accept')).toBe('text/event-stream');
    expect(headers.get('authorization')).toBeNull();
  });

  it('should throw the gateway’s error before the first event as an ApiError with Retry-After', async () => {
    const { fetch } = stubFetch(
      () =>
        new Response(
          JSON.stringify({ error: { code: 'usage_limit_reached', message: 'The usage limit is reached.' } }),
          {
            status: 429,
            headers: { 'content-type': 'application/json', 'retry-after': '5400' },
          },
        ),
    );
    const error = await captureError(
      streamAnswer({
        request: { content: 'Hi' },
        csrfToken: null,
        signal: new AbortController().signal,
        fetch,
        origin: ORIGIN,
      }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'usage_limit_reached',
      status: 429,
      message: 'The usage limit is reached.',
      retryAfter: 5400,
    });
  });

  it('should report a gateway it cannot reach as a network error', async () => {
    const { fetch } = stubFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const error = await captureError(
      streamAnswer({
        request: { content: 'Hi' },
        csrfToken: null,
        signal: new AbortController().signal,
        fetch,
        origin: ORIGIN,
      }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'network_error', status: 0, message: 'Could not reach the gateway.' });
  });

  it('issue 18: an error inside a started stream keeps the gateway’s code, with the 200 it came in', () => {
    const inStream = new GatewayClientError({
      status: null,
      code: 'upstream_error',
      message: 'The model stopped.',
      retryAfter: 5,
    });
    expect(gatewayClientErrorToApiError(inStream)).toMatchObject({
      code: 'upstream_error',
      status: 200,
      retryAfter: 5,
    });
    const lost = new GatewayClientError({
      status: null,
      code: 'stream_lost',
      message: 'The answer was lost.',
      retryAfter: null,
    });
    expect(gatewayClientErrorToApiError(lost)).toMatchObject({
      code: 'unexpected_response',
      message: 'The answer was lost.',
    });
  });

  it('should end with an AbortError, not an ApiError, when the user stops the answer', async () => {
    const controller = new AbortController();
    const { fetch } = stubFetch((init) => {
      // The body stays open until the request is aborted, as a real stream does while the model writes.
      const body = new ReadableStream<Uint8Array>({
        start(stream) {
          stream.enqueue(new TextEncoder().encode('event: delta\ndata: {"type":"delta","text":"Hel"}\n\n'));
          init?.signal?.addEventListener('abort', () => stream.error(init.signal?.reason), { once: true });
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } });
    });
    const events: AiStreamEvent[] = [];
    let caught: unknown;
    try {
      for await (const event of streamAnswer({
        request: { content: 'Hi' },
        csrfToken: null,
        signal: controller.signal,
        fetch,
        origin: ORIGIN,
      })) {
        events.push(event);
        controller.abort();
      }
    } catch (error) {
      caught = error;
    }
    expect(events).toEqual([{ type: 'delta', text: 'Hel' }]);
    expect(caught).toBeInstanceOf(DOMException);
    expect((caught as DOMException).name).toBe('AbortError');
  });
});
