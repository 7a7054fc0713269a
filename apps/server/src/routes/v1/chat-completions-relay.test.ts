import { request as httpRequest } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FAKE_OPENAI_REPLY_TEXT, type FakeOpenAiApi, startBenchUpstream, startFakeOpenAiApi } from '@pag/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AiTestGateway,
  type AiTestUser,
  FAKE_OPENAI_KEYS,
  startAiTestGateway,
} from '../../test/start-ai-test-gateway.ts';
import { expectUpstreamWaitSubtracted, timeOverheadHeader } from '../../test/time-overhead-header.ts';

// Issue 7: `/v1/chat/completions` on a user's OpenAI-compatible key is relayed in its own protocol (no translation
// through the provider-neutral runner). These prove the relay keeps the contract of the translating path: the
// gateway's model names, the key's reasoning display, usage only when asked, typed errors with real statuses, the
// client's abort reaching the upstream — and that the upstream gets a body it accepts (the fake refuses unknown
// fields, as api.openai.com does).
let gateway: AiTestGateway;
let user: AiTestUser;
let openai: OpenAI;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({ email: 'relay@home.test', openaiKey: FAKE_OPENAI_KEYS[0] });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeOpenAi.reset();
});

function upstreamChatBodies(fake: FakeOpenAiApi = gateway.fakeOpenAi): Record<string, unknown>[] {
  return fake.requests
    .filter((request) => request.method === 'POST' && request.path.endsWith('/chat/completions'))
    .map((request) => request.json as Record<string, unknown>);
}

async function postChat(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
}

/**
 * Posts a streamed chat request whose prompt is `promptChars` characters through node:http, which keeps no copy of
 * the body once written (fetch keeps its source), and resolves once the first chunk has arrived; `finished` resolves
 * when the stream has been read to its end.
 */
async function openStream(url: string, apiKey: string, promptChars: number): Promise<{ finished: Promise<void> }> {
  const body = Buffer.from(
    JSON.stringify({
      model: 'openai/gpt-bench',
      messages: [{ role: 'user', content: 'x'.repeat(promptChars) }],
      stream: true,
    }),
  );
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, {
      method: 'POST',
      agent: false,
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    });
    outgoing.once('error', reject);
    outgoing.once('response', (response) => {
      if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
      const finished = new Promise<void>((resolveEnd) => response.once('end', () => resolveEnd()));
      response.once('data', () => resolve({ finished }));
      response.on('data', () => {});
    });
    outgoing.end(body);
  });
}

/** V8's `gc()`, which vitest's workers do not expose: a full collection before a heap is measured. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** The `data:` payloads of an SSE body, in order. */
function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
}

describe('issue 7: chat completions relayed to an OpenAI-compatible key', () => {
  it('issue 16: x-gateway-overhead-ms is the gateway’s own time: under the wall time, not inflated by a slow upstream', async () => {
    const body = { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] };
    const DELAY_MS = 1_000;
    for (const stream of [false, true]) {
      const quick = await timeOverheadHeader(() => postChat({ ...body, stream }));
      expect(quick.response.status).toBe(200);
      await quick.response.text();
      gateway.fakeOpenAi.faults.push({
        match: { method: 'POST', path: /\/chat\/completions$/ },
        fault: { kind: 'delay', ms: DELAY_MS },
      });
      const slow = await timeOverheadHeader(() => postChat({ ...body, stream }));
      expect(slow.response.status).toBe(200);
      await slow.response.text();
      expectUpstreamWaitSubtracted(slow, DELAY_MS);
    }
    expect(gateway.fakeOpenAi.faults.pending).toEqual([]);
  });

  it('should forward the checked fields only, with the upstream model, system for developer and no replayed reasoning', async () => {
    const response = await postChat({
      model: 'openai/gpt-4.1',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.', reasoning_content: 'thinking it over' },
        { role: 'user', content: [{ type: 'text', text: 'And now?' }] },
      ],
      temperature: 0.2,
      max_completion_tokens: 64,
      seed: null,
      // Accepted and ignored on every path: never reaches the upstream (which would refuse the unknown one).
      metadata: { app: 'notes' },
      some_vendor_flag: true,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-gateway-provider')).toBe('openai');
    expect(response.headers.get('x-gateway-model')).toBe('openai/gpt-4.1');
    const completion = (await response.json()) as Record<string, unknown>;
    expect(completion).toMatchObject({ object: 'chat.completion', model: 'openai/gpt-4.1' });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(upstreamChatBodies()).toEqual([
      {
        model: 'gpt-4.1',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello.' },
          { role: 'user', content: [{ type: 'text', text: 'And now?' }] },
        ],
        temperature: 0.2,
        max_completion_tokens: 64,
      },
    ]);
  });

  it('should stream the upstream chunks under the gateway model name, with usage only when asked', async () => {
    const plain = await postChat({
      model: 'openai/gpt-4.1',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const data = sseData(await plain.text());
    expect(data.at(-1)).toBe('[DONE]');
    expect(data.filter((item) => item === '[DONE]')).toHaveLength(1);
    const chunks = data.slice(0, -1).map((item) => JSON.parse(item) as Record<string, unknown>);
    expect(chunks.every((chunk) => chunk.model === 'openai/gpt-4.1' && !('usage' in chunk))).toBe(true);
    expect(chunks.every((chunk) => (chunk.choices as unknown[]).length === 1)).toBe(true);
    const text = chunks
      .map((chunk) => (chunk.choices as { delta: { content?: string } }[])[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe(FAKE_OPENAI_REPLY_TEXT);
    // The gateway always asks for usage (for its access log), whatever the client asked.
    expect(upstreamChatBodies()[0]).toMatchObject({ stream: true, stream_options: { include_usage: true } });

    const withUsage = await postChat({
      model: 'openai/gpt-4.1',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const usageChunks = sseData(await withUsage.text())
      .slice(0, -1)
      .map((item) => JSON.parse(item) as { choices: unknown[]; usage: Record<string, number> | null });
    expect(usageChunks.at(-1)?.choices).toEqual([]);
    expect(usageChunks.at(-1)?.usage?.completion_tokens).toBeGreaterThan(0);
    expect(usageChunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);

    const accessLines = gateway.test.logs
      .map((line) => JSON.parse(line) as { msg: string; access?: Record<string, unknown> })
      .filter((line) => line.msg === 'v1 request')
      .slice(-2);
    for (const line of accessLines) {
      expect(line.access).toMatchObject({ status: 200, provider: 'openai', model: 'openai/gpt-4.1' });
      expect(line.access?.completionTokens).toBeGreaterThan(0);
    }
  });

  it.each([
    ['field', (reasoning: string, text: string) => ({ content: text, reasoning_content: reasoning })],
    ['think-tags', (reasoning: string, text: string) => ({ content: `<think>\n${reasoning}\n</think>\n\n${text}` })],
    ['hidden', (_reasoning: string, text: string) => ({ content: text })],
  ] as const)('should show the upstream reasoning as the key says: %s', async (mode, expected) => {
    const keyId = user.apiKey.split('_')[1] ?? '';
    expect((await gateway.sessionRequest(user, 'PATCH', `/api/keys/${keyId}`, { reasoningOutput: mode })).status).toBe(
      200,
    );
    try {
      const reasoning = 'The user greets me. A short, friendly answer fits.';
      gateway.fakeOpenAi.enqueueScenarios('reasoning', 'reasoning');
      const completion = await openai.chat.completions.create({
        model: 'openai/o4-mini',
        messages: [{ role: 'user', content: 'Hi' }],
      });
      const message = completion.choices[0]?.message as unknown as Record<string, unknown>;
      const want = expected(reasoning, FAKE_OPENAI_REPLY_TEXT);
      expect({ content: message.content, reasoning_content: message.reasoning_content }).toEqual({
        reasoning_content: undefined,
        ...want,
      });
      const stream = await openai.chat.completions.create({
        model: 'openai/o4-mini',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      });
      let content = '';
      let shownReasoning = '';
      for await (const chunk of stream) {
        const delta = chunk.choices[0]?.delta as Record<string, string | undefined> | undefined;
        content += delta?.content ?? '';
        shownReasoning += delta?.reasoning_content ?? '';
        expect(delta?.reasoning).toBeUndefined();
      }
      expect(content).toBe(want.content);
      expect(shownReasoning).toBe('reasoning_content' in want ? want.reasoning_content : '');
    } finally {
      await gateway.sessionRequest(user, 'PATCH', `/api/keys/${keyId}`, { reasoningOutput: 'field' });
    }
  });

  it('should round-trip a tool call: streamed call deltas, then the tool result goes upstream as sent', async () => {
    gateway.fakeOpenAi.enqueueScenarios('tool-call');
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    const stream = await openai.chat.completions.create({
      model: 'openai/gpt-4.1',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
      stream: true,
    });
    let callId = '';
    let name = '';
    let args = '';
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      const call = chunk.choices[0]?.delta.tool_calls?.[0];
      callId ||= call?.id ?? '';
      name ||= call?.function?.name ?? '';
      args += call?.function?.arguments ?? '';
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    expect({ name, args: JSON.parse(args), finishReason }).toEqual({
      name: 'get_weather',
      args: { city: 'Paris' },
      finishReason: 'tool_calls',
    });
    const answer = await openai.chat.completions.create({
      model: 'openai/gpt-4.1',
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: callId, type: 'function', function: { name, arguments: args } }],
        },
        { role: 'tool', tool_call_id: callId, content: '18 °C, sunny' },
      ],
      tools,
    });
    expect(answer.choices[0]?.message.content).toBe(FAKE_OPENAI_REPLY_TEXT);
    const lastMessages = (upstreamChatBodies().at(-1)?.messages ?? []) as unknown[];
    expect(lastMessages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: callId,
      content: '18 °C, sunny',
    });
  });

  it('should answer upstream refusals with their status, the OpenAI envelope and a retry hint', async () => {
    gateway.fakeOpenAi.enqueueScenarios('rate-limit', 'insufficient-quota', 'server-error');
    const limited = await postChat({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(((await limited.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error');
    const quota = await postChat({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] });
    expect(quota.status).toBe(429);
    expect(((await quota.json()) as { error: { type: string } }).error.type).toBe('insufficient_quota');
    const failed = await postChat({
      model: 'openai/gpt-4.1',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
    });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expect(failed.headers.get('content-type')).toMatch(/^application\/json/);
    // The upstream's own 400 is the client's mistake: passed on as a 400 with the upstream's words.
    gateway.fakeOpenAi.enqueueScenarios({
      kind: 'http-error',
      status: 400,
      body: {
        error: {
          message: 'Unsupported value: temperature',
          type: 'invalid_request_error',
          param: 'temperature',
          code: null,
        },
      },
    });
    const refused = await postChat({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      'Unsupported value: temperature',
    );
  });

  it('should end a stream that fails part-way with an error event and no [DONE]', async () => {
    gateway.fakeOpenAi.enqueueScenarios('error-mid-stream', 'disconnect-mid-stream');
    for (const expected of [/server had an error/, /closed/]) {
      const response = await postChat({
        model: 'openai/gpt-4.1',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      });
      expect(response.status).toBe(200);
      const data = sseData(await response.text());
      expect(data).not.toContain('[DONE]');
      const last = JSON.parse(data.at(-1) ?? '{}') as { error?: { message: string } };
      expect(last.error?.message).toMatch(expected);
    }
  });

  it('should stop the upstream request when the client goes away', async () => {
    const slow = await startFakeOpenAiApi({ apiKeys: FAKE_OPENAI_KEYS, chunkCount: 40, perChunkDelayMs: 50 });
    const other = await gateway.addUser({ email: 'relay-abort@home.test' });
    try {
      const saved = await gateway.sessionRequest(other, 'PUT', '/api/credentials/openai', {
        apiKey: FAKE_OPENAI_KEYS[1],
        baseUrl: slow.baseUrl,
      });
      expect(saved.status).toBe(200);
      const controller = new AbortController();
      const response = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${other.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hi' }], stream: true }),
        signal: controller.signal,
      });
      const reader = response.body?.getReader();
      await reader?.read();
      controller.abort();
      const deadline = Date.now() + 5_000;
      while (slow.clientCloses.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(slow.clientCloses).toEqual([
        expect.objectContaining({ path: '/v1/chat/completions', wasStreaming: true }),
      ]);
    } finally {
      await slow.close();
    }
  });

  it('issue 22: should keep no copy of the prompt while the relayed answer streams', async () => {
    // The bench upstream keeps nothing of a request (the recording fakes keep every body), and streams for 1 s.
    const upstream = await startBenchUpstream({ chunkCount: 10, chunkDelayMs: 100 });
    const other = await gateway.addUser({ email: 'relay-memory@home.test' });
    const collectGarbage = exposeGc();
    try {
      const saved = await gateway.sessionRequest(other, 'PUT', '/api/credentials/openai', {
        apiKey: upstream.apiKey,
        baseUrl: upstream.baseUrl,
      });
      expect(saved.status).toBe(200);
      /** The heap while a stream with a prompt of `promptChars` is open (its first chunk read), in bytes. */
      const heapWhileStreaming = async (promptChars: number) => {
        const stream = await openStream(`${gateway.url}/v1/chat/completions`, other.apiKey, promptChars);
        collectGarbage();
        const heapUsed = process.memoryUsage().heapUsed;
        await stream.finished;
        return heapUsed;
      };
      const PROMPT_CHARS = 8 * 1024 * 1024;
      const withSmallPrompt = await heapWhileStreaming(10);
      const withLargePrompt = await heapWhileStreaming(PROMPT_CHARS);
      // Kept, the prompt's text alone would be its 8 MB (one byte a character) once more.
      expect(withLargePrompt - withSmallPrompt).toBeLessThan(PROMPT_CHARS / 2);
    } finally {
      await upstream.close();
    }
  });

  it('should translate instead when the route has fallbacks (the subscription first)', async () => {
    const both = await gateway.addUser({
      email: 'relay-fallback@home.test',
      chatgptAccount: 'carol@example.com',
      openaiKey: FAKE_OPENAI_KEYS[2],
      fallbackToApiKeys: true,
    });
    const client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: both.apiKey, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'chatgpt/gpt-5.5', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    expect(response.headers.get('x-gateway-provider')).toBe('chatgpt');
    expect(data.model).toBe('chatgpt/gpt-5.5');
    expect(upstreamChatBodies()).toEqual([]);
  });
});
