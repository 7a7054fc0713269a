import { FAKE_CODEX_REPLY_TEXT } from '@pag/testkit';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../../test/start-ai-test-gateway.ts';

// Issue 14, over real HTTP with the official `openai` SDK: what the subscription's Codex backend refuses
// (docs/codex-protocol.md §5.3, §5.5) never reaches it — neither from the `/v1/responses` relay nor from the chat
// path — and the client is told, in `x-gateway-warning`, what was left out. The fake refuses all of it.
let gateway: AiTestGateway;
let user: AiTestUser;
let openai: OpenAI;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({ email: 'rules@home.test', chatgptAccount: 'alice@example.com' });
  openai = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: user.apiKey, maxRetries: 0 });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeCodex.reset();
});

/** The body of every `/codex/responses` request the fake accepted. */
function acceptedCodexBodies(): Record<string, unknown>[] {
  return gateway.fakeCodex.exchanges
    .filter((exchange) => exchange.status === 200)
    .map((exchange) => exchange.request?.json as Record<string, unknown>);
}

const REFUSED_SAMPLING = { temperature: 0.2, top_p: 0.9, max_output_tokens: 100 } as const;

describe('issue 14: /v1/responses through the subscription', () => {
  it('issue 14: should relay a streamed request without temperature, top_p and max_output_tokens, naming them in x-gateway-warning', async () => {
    const { data: stream, response } = await openai.responses
      .create({ model: 'chatgpt/gpt-5.5', input: 'Hi', stream: true, ...REFUSED_SAMPLING })
      .withResponse();
    let text = '';
    let last: string | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') text += event.delta;
      last = event.type;
    }

    expect(response.status).toBe(200);
    expect(response.headers.get('x-gateway-warning')).toBe(
      'not supported by the subscription backend, ignored: temperature, top_p, max_output_tokens',
    );
    expect(text).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(last).toBe('response.completed');
    expect(gateway.fakeCodex.exchanges).toMatchObject([{ status: 200, rejection: undefined }]);
    const [body] = acceptedCodexBodies();
    for (const field of Object.keys(REFUSED_SAMPLING)) expect(body).not.toHaveProperty(field);
  });

  it('issue 14: should answer a request without streaming the same way', async () => {
    const { data, response } = await openai.responses
      .create({ model: 'chatgpt/gpt-5.5', input: 'Hi', ...REFUSED_SAMPLING, top_logprobs: 2, user: 'note-app' })
      .withResponse();

    expect(response.status).toBe(200);
    expect(data.status).toBe('completed');
    expect(data.output_text).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(response.headers.get('x-gateway-warning')).toBe(
      'not supported by the subscription backend, ignored: temperature, top_p, max_output_tokens, top_logprobs, user',
    );
    const [body] = acceptedCodexBodies();
    for (const field of [...Object.keys(REFUSED_SAMPLING), 'top_logprobs', 'user']) {
      expect(body).not.toHaveProperty(field);
    }
  });

  it('issue 14: should send no warning header when nothing was dropped', async () => {
    const { response } = await openai.responses.create({ model: 'chatgpt/gpt-5.5', input: 'Hi' }).withResponse();

    expect(response.status).toBe(200);
    expect(response.headers.get('x-gateway-warning')).toBeNull();
  });

  it('issue 14: should send the system prompt as Codex 0.169 does: a leading developer message, no instructions', async () => {
    await openai.responses.create({
      model: 'chatgpt/gpt-5.5',
      input: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    await openai.responses.create({ model: 'chatgpt/gpt-5.5', input: [{ role: 'user', content: 'Hi' }] });

    const [developerFirst, userFirst] = acceptedCodexBodies();
    expect(developerFirst).not.toHaveProperty('instructions');
    expect(developerFirst).toMatchObject({ store: false, stream: true, include: ['reasoning.encrypted_content'] });
    // Without a leading developer message the backend wants instructions ("Instructions are required").
    expect(typeof userFirst?.instructions).toBe('string');
  });

  it('issue 14: should send tool names the backend refuses cleaned, and give the client its own names back', async () => {
    const longName = `mcp__notes_server__${'search_everything_in_the_workspace_'.repeat(2)}now`;
    const tools: OpenAI.Responses.Tool[] = [
      { type: 'function', name: 'notes.search', strict: false, parameters: { type: 'object', properties: {} } },
      { type: 'function', name: longName, strict: false, parameters: { type: 'object', properties: {} } },
    ];
    gateway.fakeCodex.enqueueScenarios(
      { kind: 'stream', functionCalls: [{ name: 'notes_search', arguments: { q: 'x' }, callId: 'call_1' }] },
      { kind: 'stream', functionCalls: [{ name: 'notes_search', arguments: { q: 'y' }, callId: 'call_2' }] },
      'text',
    );

    const stream = await openai.responses.create({
      model: 'chatgpt/gpt-5.5',
      input: 'Find x',
      tools,
      tool_choice: { type: 'function', name: 'notes.search' },
      stream: true,
    });
    const names: string[] = [];
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) {
      if (event.type === 'response.output_item.added' || event.type === 'response.output_item.done') {
        if (event.item.type === 'function_call') names.push(event.item.name);
      }
      if (event.type === 'response.completed') completed = event.response;
    }
    const collected = await openai.responses.create({ model: 'chatgpt/gpt-5.5', input: 'Find y', tools });
    const call = collected.output.find((item) => item.type === 'function_call');
    const next = await openai.responses.create({
      model: 'chatgpt/gpt-5.5',
      tools,
      input: [
        { role: 'user', content: 'Find y' },
        ...(collected.output as OpenAI.Responses.ResponseInputItem[]),
        { type: 'function_call_output', call_id: 'call_2', output: 'found' },
      ],
    });

    expect(names).toEqual(['notes.search', 'notes.search']);
    expect(completed?.output).toEqual([expect.objectContaining({ type: 'function_call', name: 'notes.search' })]);
    expect(completed?.tools.map((tool) => (tool as { name: string }).name)).toEqual(['notes.search', longName]);
    expect(completed?.tool_choice).toEqual({ type: 'function', name: 'notes.search' });
    expect(call).toMatchObject({ type: 'function_call', name: 'notes.search', call_id: 'call_2' });
    expect(next.output_text).toBe(FAKE_CODEX_REPLY_TEXT);

    const [first, second, third] = acceptedCodexBodies();
    const toolNamesOf = (body: Record<string, unknown> | undefined) =>
      ((body?.tools ?? []) as { name: string }[]).map((tool) => tool.name);
    const sentNames = toolNamesOf(first);
    expect(sentNames[0]).toBe('notes_search');
    expect(sentNames[1]).toMatch(/^mcp__notes_server__search_everything_in_the_workspace_[a-z_]*_[0-9a-f]{8}$/);
    expect(sentNames[1]).toHaveLength(64);
    expect(first?.tool_choice).toEqual({ type: 'function', name: 'notes_search' });
    expect(toolNamesOf(second)).toEqual(sentNames);
    // The replayed call goes back under the name the backend knows.
    expect(third?.input).toContainEqual(expect.objectContaining({ type: 'function_call', name: 'notes_search' }));
  });
});

describe('issue 14: the chat path through the subscription', () => {
  it('issue 14: should answer /v1/chat/completions with temperature and top_p, streamed and not, naming them', async () => {
    const request = {
      model: 'chatgpt/gpt-5.5',
      messages: [{ role: 'user' as const, content: 'Hi' }],
      temperature: 0.2,
      top_p: 0.9,
    };
    const { data, response } = await openai.chat.completions.create(request).withResponse();
    const { data: stream, response: streamed } = await openai.chat.completions
      .create({ ...request, stream: true })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';

    expect(response.status).toBe(200);
    expect(data.choices[0]?.message.content).toBe(FAKE_CODEX_REPLY_TEXT);
    expect(streamed.status).toBe(200);
    expect(text).toBe(FAKE_CODEX_REPLY_TEXT);
    for (const headers of [response.headers, streamed.headers]) {
      expect(headers.get('x-gateway-warning')).toMatch(/temperature: .*; topP: /);
    }
    const bodies = acceptedCodexBodies();
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body).not.toHaveProperty('temperature');
      expect(body).not.toHaveProperty('top_p');
    }
  });
});
