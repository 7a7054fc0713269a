import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { readSseBody } from '../read-sse-body.ts';
import { readStamps, wallClockMs } from './bench-upstream-frames.ts';
import { DEFAULT_BENCH_UPSTREAM_API_KEY, startBenchUpstream } from './start-bench-upstream.ts';

afterEach(closeAllFakeServers);

const TIMEOUT_MS = 5_000;
const AUTH = { authorization: `Bearer ${DEFAULT_BENCH_UPSTREAM_API_KEY}`, 'content-type': 'application/json' };
const MESSAGES = [{ role: 'user', content: 'hi' }];

function post(url: string, body: unknown, headers: Record<string, string> = AUTH): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
}

describe('startBenchUpstream', () => {
  it('should list its models and answer a non-stream chat completion in OpenAI’s shape', async () => {
    const upstream = await startBenchUpstream({ chunkCount: 4 });

    const models = await fetch(`${upstream.baseUrl}/models`, {
      headers: AUTH,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    expect(models.status).toBe(200);
    expect(await models.json()).toEqual({
      object: 'list',
      data: [{ id: 'gpt-bench', object: 'model', created: 1_700_000_000, owned_by: 'bench' }],
    });

    const response = await post(upstream.baseUrl, { model: 'gpt-bench', messages: MESSAGES });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const completion = (await response.json()) as {
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
    };
    expect(completion).toMatchObject({
      id: 'chatcmpl-bench1',
      object: 'chat.completion',
      model: 'gpt-bench',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'lorem ipsum '.repeat(4), refusal: null },
          finish_reason: 'stop',
        },
      ],
      usage: { completion_tokens: 12 },
    });
    expect(completion.usage.total_tokens).toBe(completion.usage.prompt_tokens + completion.usage.completion_tokens);
    expect(upstream.stats).toEqual({ chatCompletions: 1, streams: 0, models: 1, rejected: 0 });
  });

  it('should stream the configured number of chunks, then the finish, usage and [DONE]', async () => {
    const upstream = await startBenchUpstream({ chunkCount: 3 });

    const response = await post(upstream.baseUrl, {
      model: 'gpt-bench',
      messages: MESSAGES,
      stream: true,
      stream_options: { include_usage: true },
    });

    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const { data } = await readSseBody(response);
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1);
    expect(chunks).toHaveLength(6);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ id: 'chatcmpl-bench1', object: 'chat.completion.chunk', model: 'gpt-bench' });
    }
    expect(chunks[0].choices).toEqual([
      { index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null },
    ]);
    expect(chunks.slice(1, 4).map((chunk) => chunk.choices[0].delta.content)).toEqual([
      'lorem ipsum ',
      'lorem ipsum ',
      'lorem ipsum ',
    ]);
    expect(chunks[4].choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.slice(0, 5).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks[5].choices).toEqual([]);
    expect(chunks[5].usage).toMatchObject({ completion_tokens: 9 });
    expect(upstream.stats).toMatchObject({ chatCompletions: 1, streams: 1 });
  });

  it('should leave usage out of a stream unless include_usage asks for it', async () => {
    const upstream = await startBenchUpstream({ chunkCount: 2 });

    const { data } = await readSseBody(
      await post(upstream.baseUrl, { model: 'gpt-bench', messages: MESSAGES, stream: true }),
    );

    const chunks = data.slice(0, -1);
    expect(chunks).toHaveLength(4);
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
  });

  it('should pace chunks by the delay and stamp each with its send time', async () => {
    const upstream = await startBenchUpstream({ chunkCount: 5, chunkDelayMs: 20, stampChunks: true });

    const startedAt = wallClockMs();
    const { data } = await readSseBody(
      await post(upstream.baseUrl, { model: 'gpt-bench', messages: MESSAGES, stream: true }),
    );
    const elapsedMs = wallClockMs() - startedAt;

    const content = data
      .slice(0, -1)
      .map((chunk) => chunk.choices[0]?.delta.content ?? '')
      .join('');
    const stamps = readStamps(content);
    expect(stamps).toHaveLength(5);
    expect(elapsedMs).toBeGreaterThanOrEqual(5 * 20 - 5);
    for (const [index, stamp] of stamps.entries()) {
      if (index > 0) expect(stamp - (stamps[index - 1] ?? 0)).toBeGreaterThanOrEqual(15);
      expect(stamp).toBeGreaterThanOrEqual(startedAt);
      expect(stamp).toBeLessThanOrEqual(wallClockMs());
    }
  });

  it('should answer a non-stream request only after the whole answer’s delay', async () => {
    const upstream = await startBenchUpstream({ chunkCount: 4, chunkDelayMs: 25 });

    const startedAt = performance.now();
    const response = await post(upstream.baseUrl, { model: 'gpt-bench', messages: MESSAGES });

    expect(response.status).toBe(200);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(4 * 25 - 5);
  });

  it.each<[string, Record<string, string>, unknown, number, string | null]>([
    [
      'a wrong key',
      { ...AUTH, authorization: 'Bearer sk-other' },
      { model: 'gpt-bench', messages: MESSAGES },
      401,
      'invalid_api_key',
    ],
    [
      'no key',
      { 'content-type': 'application/json' },
      { model: 'gpt-bench', messages: MESSAGES },
      401,
      'invalid_api_key',
    ],
    ['an unknown model', AUTH, { model: 'gpt-nope', messages: MESSAGES }, 404, 'model_not_found'],
    ['no messages', AUTH, { model: 'gpt-bench', messages: [] }, 400, 'invalid_value'],
    ['a body that is not JSON', AUTH, '{not json', 400, null],
  ])('should refuse %s with an OpenAI error', async (_case, headers, body, status, code) => {
    const upstream = await startBenchUpstream();

    const response = await post(upstream.baseUrl, body, headers);

    expect(response.status).toBe(status);
    const answer = (await response.json()) as { error: { message: unknown } };
    expect(answer.error).toMatchObject({ type: 'invalid_request_error', code, param: null });
    expect(typeof answer.error.message).toBe('string');
    expect(upstream.stats).toMatchObject({ chatCompletions: 0, rejected: 1 });
  });

  it('should answer an unknown path with 404 and report its counters over HTTP', async () => {
    const upstream = await startBenchUpstream();

    const response = await fetch(`${upstream.baseUrl}/embeddings`, {
      method: 'POST',
      headers: AUTH,
      body: '{}',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    expect(response.status).toBe(404);
    await response.arrayBuffer();

    const stats = await fetch(`${upstream.url}/__bench/stats`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    expect(await stats.json()).toEqual({ chatCompletions: 0, streams: 0, models: 0, rejected: 1 });
  });

  it('should stop a paced stream when the client goes away and close with connections open', async () => {
    const upstream = await startBenchUpstream({ chunkCount: 1000, chunkDelayMs: 5 });
    const controller = new AbortController();
    const response = await fetch(`${upstream.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({ model: 'gpt-bench', messages: MESSAGES, stream: true }),
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    controller.abort();

    await upstream.close();
    await upstream.close();
    await expect(fetch(`${upstream.url}/__bench/stats`)).rejects.toThrow();
  });
});
