import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import { describe, expect, it } from 'vitest';
import { convertStreamToArray } from '../test/convert-stream-to-array.ts';
import { createRecordingFetch, requestBodyOf } from '../test/create-recording-fetch.ts';
import { createSseResponse } from '../test/create-sse-response.ts';
import { CODEX_FIXTURES, readFixtureLines } from '../test/read-fixture-lines.ts';
import { createCodexChatModel } from './codex-chat-model.ts';
import { CODEX_REQUEST_FIELDS, codexToolNamesOf, toCodexRequestBody } from './codex-request-rules.ts';

const OPTIONS = { model: 'gpt-5.5', conversationId: 'thread-1' };
const developer = { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Be brief.' }] };
const user = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] };
const LONG_NAME = `mcp__notes_server__${'search_everything_in_the_workspace_'.repeat(3)}now`;

describe('toCodexRequestBody', () => {
  it('issue 14: should drop what the backend refuses and name every field that had a value', () => {
    const { body, dropped } = toCodexRequestBody(
      {
        model: 'chatgpt/gpt-5.5',
        input: [developer, user],
        temperature: 0.2,
        top_p: 0.9,
        top_k: 40,
        max_output_tokens: 100,
        max_tokens: 100,
        max_completion_tokens: 100,
        stream_options: { include_usage: true },
        safety_identifier: 'x',
        prompt_cache_retention: '24h',
        previous_response_id: null,
        background: false,
        service_tier: 'auto',
        metadata: { a: '1' },
        user: 'note-app',
        truncation: 'auto',
        top_logprobs: 2,
        seed: undefined,
      },
      OPTIONS,
    );

    expect(dropped).toEqual([
      'temperature',
      'top_p',
      'top_k',
      'max_output_tokens',
      'max_tokens',
      'max_completion_tokens',
      'stream_options',
      'safety_identifier',
      'prompt_cache_retention',
      'background',
      'service_tier',
      'metadata',
      'user',
      'truncation',
      'top_logprobs',
    ]);
    expect(Object.keys(body)).toEqual(['model', 'stream', 'input', 'store', 'include', 'prompt_cache_key']);
  });

  it('issue 14: should set what the backend requires and keep what it takes, in Codex 0.169 order', () => {
    const request = {
      client_metadata: { session_id: 's' },
      text: { verbosity: 'low' },
      include: ['message.output_text.logprobs', 'reasoning.encrypted_content'],
      reasoning: { effort: 'high', summary: 'concise' },
      parallel_tool_calls: false,
      tool_choice: 'required',
      tools: [{ type: 'function', name: 'get_weather', strict: false, parameters: {} }, { type: 'web_search' }],
      input: [user],
      instructions: 'Be brief.',
      stream: false,
      store: true,
      model: 'anything',
    };

    const { body, dropped } = toCodexRequestBody(request, OPTIONS);

    expect(dropped).toEqual([]);
    expect(Object.keys(body)).toEqual([...CODEX_REQUEST_FIELDS]);
    expect(body).toEqual({
      ...request,
      model: 'gpt-5.5',
      stream: true,
      store: false,
      include: ['message.output_text.logprobs', 'reasoning.encrypted_content'],
      prompt_cache_key: 'thread-1',
    });
  });

  it('should make a string input one user message and keep a given prompt_cache_key', () => {
    const { body } = toCodexRequestBody({ input: 'Hi', prompt_cache_key: 'client-key', include: null }, OPTIONS);

    expect(body.input).toEqual([user]);
    expect(body.prompt_cache_key).toBe('client-key');
    expect(body.include).toEqual(['reasoning.encrypted_content']);
  });

  it('should leave out accepted fields that are null, without naming them', () => {
    const { body, dropped } = toCodexRequestBody(
      { input: [developer], reasoning: null, text: null, tools: null, tool_choice: null, instructions: null },
      OPTIONS,
    );

    expect(dropped).toEqual([]);
    expect(Object.keys(body)).toEqual(['model', 'stream', 'input', 'store', 'include', 'prompt_cache_key']);
  });

  it.each<[string, Record<string, unknown>, string | undefined]>([
    ['a leading developer message, as Codex 0.169 sends it', { input: [developer, user] }, undefined],
    ['a leading developer message and empty instructions', { instructions: '', input: [developer, user] }, undefined],
    ['no system prompt at all (the backend requires instructions)', { input: [user] }, 'You are a helpful assistant.'],
    ['a string input', { input: 'Hi' }, 'You are a helpful assistant.'],
    ['a developer message that is not first', { input: [user, developer] }, 'You are a helpful assistant.'],
    [
      'empty instructions and no developer message',
      { instructions: '', input: [user] },
      'You are a helpful assistant.',
    ],
    ['instructions given', { instructions: 'Be brief.', input: [developer, user] }, 'Be brief.'],
  ])('should decide instructions for %s', (_label, request, instructions) => {
    const { body } = toCodexRequestBody(request, OPTIONS);

    if (instructions == null) expect(body).not.toHaveProperty('instructions');
    else expect(body.instructions).toBe(instructions);
  });

  it('should use the caller’s default instructions', () => {
    const { body } = toCodexRequestBody({ input: [user] }, { ...OPTIONS, defaultInstructions: 'Answer in French.' });

    expect(body.instructions).toBe('Answer in French.');
  });

  it('issue 14: should clean refused tool names in tools, tool_choice and replayed calls, and map them back', () => {
    const request = {
      input: [
        user,
        { type: 'function_call', call_id: 'call_1', name: 'notes.search', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'x' },
        { type: 'custom_tool_call', call_id: 'call_2', name: 'apply patch', input: '*** Begin' },
        { type: 'custom_tool_call_output', call_id: 'call_2', output: 'done' },
      ],
      tools: [
        { type: 'function', name: 'notes.search', parameters: {} },
        { type: 'function', name: 'notes_search', parameters: {} },
        { type: 'function', name: LONG_NAME, parameters: {} },
        { type: 'custom', name: 'apply patch' },
        { type: 'namespace', name: 'image_gen' },
        { type: 'web_search', name: null },
      ],
      tool_choice: { type: 'function', name: LONG_NAME },
    };

    const { body, toolNames } = toCodexRequestBody(request, OPTIONS);

    const sent = (body.tools as { name: string | null }[]).map((tool) => tool.name);
    expect(sent.slice(0, 2)).toEqual(['notes_search_2', 'notes_search']);
    expect(sent[2]).toHaveLength(64);
    expect(sent[2]).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(sent.slice(3)).toEqual(['apply_patch', 'image_gen', null]);
    expect(body.tool_choice).toEqual({ type: 'function', name: sent[2] });
    expect(body.input).toEqual([
      user,
      { type: 'function_call', call_id: 'call_1', name: 'notes_search_2', arguments: '{}' },
      request.input[2],
      { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin' },
      request.input[4],
    ]);
    expect(toolNames.fromCodex('notes_search_2')).toBe('notes.search');
    expect(toolNames.fromCodex('notes_search')).toBe('notes_search');
    expect(toolNames.fromCodex(String(sent[2]))).toBe(LONG_NAME);
    expect(toolNames.fromCodex('apply_patch')).toBe('apply patch');
    // The relay derives the same names from the request alone, to restore them in the answer.
    expect(codexToolNamesOf(request).toCodex('notes.search')).toBe('notes_search_2');
    expect(request.tools[0]?.name).toBe('notes.search');
  });

  it('should leave valid tool names and the request alone', () => {
    const tools = [{ type: 'function', name: 'get_weather', parameters: {} }];
    const { body, toolNames } = toCodexRequestBody({ input: [user], tools }, OPTIONS);

    expect(body.tools).toEqual(tools);
    expect(toolNames.isUnchanged).toBe(true);
  });
});

describe('issue 14: the chat path and the relay share the rules', () => {
  it('issue 14: should send the same body for the same request, whichever path it takes', async () => {
    const { fetch, requests } = createRecordingFetch(createSseResponse(readFixtureLines(CODEX_FIXTURES, 'codex-text')));
    const model = createCodexChatModel({
      modelId: 'gpt-5.5',
      baseUrl: 'https://chatgpt.example/backend-api',
      fetch,
      getCredentials: async () => ({ accessToken: 'access', accountId: 'account' }),
      conversationId: 'thread-1',
      originator: 'pag_gateway',
      userAgent: 'pag_gateway/0.1.0',
    });
    const prompt: LanguageModelV3Prompt = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
    ];
    const { stream } = await model.doStream({
      prompt,
      temperature: 0.2,
      topP: 0.9,
      maxOutputTokens: 100,
      tools: [{ type: 'function', name: 'notes.search', inputSchema: { type: 'object' } }],
      toolChoice: { type: 'tool', toolName: 'notes.search' },
      providerOptions: { codex: { reasoningEffort: 'low', textVerbosity: 'low' } },
    });
    const parts = await convertStreamToArray(stream);

    const relayed = toCodexRequestBody(
      {
        model: 'chatgpt/gpt-5.5',
        input: [developer, user],
        tools: [{ type: 'function', name: 'notes.search', strict: false, parameters: { type: 'object' } }],
        tool_choice: { type: 'function', name: 'notes.search' },
        parallel_tool_calls: true,
        reasoning: { effort: 'low', summary: 'auto' },
        text: { verbosity: 'low' },
        temperature: 0.2,
        top_p: 0.9,
        max_output_tokens: 100,
      },
      OPTIONS,
    );
    expect(requestBodyOf(requests)).toEqual(relayed.body);
    expect(relayed.dropped).toEqual(['temperature', 'top_p', 'max_output_tokens']);
    expect(parts[0]).toMatchObject({
      type: 'stream-start',
      warnings: [
        { type: 'unsupported', feature: 'maxOutputTokens' },
        { type: 'unsupported', feature: 'temperature' },
        { type: 'unsupported', feature: 'topP' },
      ],
    });
  });
});
