import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { readSseBody } from '../read-sse-body.ts';
import type { CodexTestRig } from './codex-backend-test-support.ts';
import { codexRequestBody, postResponses, startCodexTestRig } from './codex-backend-test-support.ts';

afterEach(closeAllFakeServers);

const ITEM_NOT_FOUND = (id: string) =>
  `Item with id '${id}' not found. Items are not persisted when \`store\` is set to false. Try again with \`store\` set to true, or remove this item from your input.`;

const invalidRequest = (options: { message: string; param: string | null; code: string | null }) => ({
  error: { message: options.message, type: 'invalid_request_error', param: options.param, code: options.code },
});

const userMessage = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] };
const withoutKey = (key: string) => {
  const body = codexRequestBody();
  delete body[key];
  return body;
};

describe('validateCodexResponsesRequest over POST /backend-api/codex/responses', () => {
  it.each<[string, unknown, number, unknown]>([
    ['store true', codexRequestBody({ store: true }), 400, { detail: 'Store must be set to false' }],
    ['store missing', withoutKey('store'), 400, { detail: 'Store must be set to false' }],
    ['store "false"', codexRequestBody({ store: 'false' }), 400, { detail: 'Store must be set to false' }],
    ['stream false', codexRequestBody({ stream: false }), 400, { detail: 'Stream must be set to true' }],
    ['stream missing', withoutKey('stream'), 400, { detail: 'Stream must be set to true' }],
    [
      'store checked before stream',
      codexRequestBody({ store: true, stream: false }),
      400,
      { detail: 'Store must be set to false' },
    ],
    [
      'no instructions and no developer message',
      codexRequestBody({ input: [userMessage] }),
      400,
      { detail: 'Instructions are required' },
    ],
    [
      'instructions not a string',
      codexRequestBody({ instructions: { text: 'x' } }),
      400,
      invalidRequest({
        message: "Invalid type for 'instructions': expected a string, but got an object instead.",
        param: 'instructions',
        code: 'invalid_type',
      }),
    ],
    [
      'input a string',
      codexRequestBody({ instructions: 'Be brief.', input: 'hi' }),
      400,
      { detail: 'Input must be a list' },
    ],
    [
      'max_output_tokens',
      codexRequestBody({ max_output_tokens: 100 }),
      400,
      { detail: 'Unsupported parameter: max_output_tokens' },
    ],
    ['max_tokens', codexRequestBody({ max_tokens: 100 }), 400, { detail: 'Unsupported parameter: max_tokens' }],
    [
      'max_completion_tokens',
      codexRequestBody({ max_completion_tokens: null }),
      400,
      { detail: 'Unsupported parameter: max_completion_tokens' },
    ],
    [
      'retired model',
      codexRequestBody({ model: 'gpt-5.3-codex' }),
      400,
      { detail: "The 'gpt-5.3-codex' model is not supported when using Codex with a ChatGPT account." },
    ],
    [
      'model with an effort suffix',
      codexRequestBody({ model: 'gpt-5.4/medium' }),
      400,
      { detail: "The 'gpt-5.4/medium' model is not supported when using Codex with a ChatGPT account." },
    ],
    [
      'minimal effort on gpt-5.5',
      codexRequestBody({ reasoning: { effort: 'minimal' } }),
      400,
      invalidRequest({
        message:
          "Unsupported value: 'reasoning.effort' does not support 'minimal' with the 'gpt-5.5' model. Supported values are: 'low', 'medium', 'high', and 'xhigh'.",
        param: 'reasoning.effort',
        code: 'unsupported_value',
      }),
    ],
    [
      'ultra effort on gpt-5.4-mini',
      codexRequestBody({ model: 'gpt-5.4-mini', reasoning: { effort: 'ultra' } }),
      400,
      invalidRequest({
        message:
          "Unsupported value: 'reasoning.effort' does not support 'ultra' with the 'gpt-5.4-mini' model. Supported values are: 'low', 'medium', 'high', and 'xhigh'.",
        param: 'reasoning.effort',
        code: 'unsupported_value',
      }),
    ],
    [
      'chat-completions nested tool',
      codexRequestBody({ tools: [{ type: 'function', function: { name: 'get_weather', parameters: {} } }] }),
      400,
      invalidRequest({
        message: "Missing required parameter: 'tools[0].name'.",
        param: 'tools[0].name',
        code: 'missing_required_parameter',
      }),
    ],
    [
      'item_reference',
      codexRequestBody({ input: [...(codexRequestBody().input as unknown[]), { type: 'item_reference', id: 'rs_1' }] }),
      404,
      { detail: ITEM_NOT_FOUND('rs_1') },
    ],
    [
      'reasoning id without encrypted_content',
      codexRequestBody({
        input: [...(codexRequestBody().input as unknown[]), { type: 'reasoning', id: 'rs_2', summary: [] }],
      }),
      404,
      { detail: ITEM_NOT_FOUND('rs_2') },
    ],
    [
      'orphan function_call_output',
      codexRequestBody({
        input: [
          ...(codexRequestBody().input as unknown[]),
          { type: 'function_call_output', call_id: 'call_gone', output: '42' },
        ],
      }),
      400,
      invalidRequest({
        message: 'No tool call found for function call output with call_id call_gone.',
        param: 'input',
        code: null,
      }),
    ],
    [
      'function_call_output before its call',
      codexRequestBody({
        input: [
          ...(codexRequestBody().input as unknown[]),
          { type: 'function_call_output', call_id: 'call_1', output: '42' },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
        ],
      }),
      400,
      invalidRequest({
        message: 'No tool call found for function call output with call_id call_1.',
        param: 'input',
        code: null,
      }),
    ],
    ['body not JSON', '{"model":', 400, { detail: 'Request body is not valid JSON' }],
    [
      'body an array',
      [],
      400,
      invalidRequest({
        message: "Invalid type for 'body': expected an object, but got an array instead.",
        param: 'body',
        code: 'invalid_type',
      }),
    ],
  ])('should reject %s with the exact body', async (_label, body, status, expected) => {
    const rig = await startCodexTestRig();

    const response = await postResponses({ rig, body });

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]+$/);
    expect(await response.json()).toEqual(expected);
    expect(rig.backend.exchanges).toMatchObject([{ index: 0, status, rejection: expected, scenario: undefined }]);
  });

  const weatherTool = (name: string, type = 'function') => ({ type, name, strict: false, parameters: {} });
  const longName = `mcp__notes_server__${'x'.repeat(50)}`;

  it.each<[string, Record<string, unknown>, unknown]>([
    ['temperature', codexRequestBody({ temperature: 0.2 }), { detail: 'Unsupported parameter: temperature' }],
    ['top_p', codexRequestBody({ top_p: 0.9 }), { detail: 'Unsupported parameter: top_p' }],
    ['top_k', codexRequestBody({ top_k: 40 }), { detail: 'Unsupported parameter: top_k' }],
    [
      'max_output_tokens before temperature',
      codexRequestBody({ temperature: 0.2, max_output_tokens: 100 }),
      { detail: 'Unsupported parameter: max_output_tokens' },
    ],
    ['stream_options', codexRequestBody({ stream_options: {} }), { detail: 'Unsupported parameter: stream_options' }],
    [
      'a function tool name with a dot',
      codexRequestBody({ tools: [weatherTool('notes.search')] }),
      invalidRequest({
        message:
          "Invalid 'tools[0].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
        param: 'tools[0].name',
        code: 'invalid_value',
      }),
    ],
    [
      'a custom tool name with a space',
      codexRequestBody({ tools: [weatherTool('get_weather'), { type: 'custom', name: 'apply patch' }] }),
      invalidRequest({
        message:
          "Invalid 'tools[1].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
        param: 'tools[1].name',
        code: 'invalid_value',
      }),
    ],
    [
      'a namespace name with a slash',
      codexRequestBody({ tools: [{ type: 'namespace', name: 'image/gen', strict: null }] }),
      invalidRequest({
        message:
          "Invalid 'tools[0].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
        param: 'tools[0].name',
        code: 'invalid_value',
      }),
    ],
    [
      'a tool name over 64 characters',
      codexRequestBody({ tools: [weatherTool(longName)] }),
      invalidRequest({
        message: `Invalid 'tools[0].name': string too long. Expected a string with maximum length 64, but got a string with length ${longName.length} instead.`,
        param: 'tools[0].name',
        code: 'string_above_max_length',
      }),
    ],
    [
      'an empty tool name',
      codexRequestBody({ tools: [weatherTool('')] }),
      invalidRequest({
        message:
          "Invalid 'tools[0].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
        param: 'tools[0].name',
        code: 'invalid_value',
      }),
    ],
    [
      'tool_choice "any"',
      codexRequestBody({ tool_choice: 'any' }),
      invalidRequest({
        message: "Invalid value: 'any'. Supported values are: 'none', 'auto', and 'required'.",
        param: 'tool_choice',
        code: 'invalid_value',
      }),
    ],
    [
      'tool_choice naming a function not in tools',
      codexRequestBody({ tool_choice: { type: 'function', name: 'get_time' } }),
      invalidRequest({
        message: "Tool choice 'function' named 'get_time' not found in 'tools' parameter.",
        param: 'tool_choice',
        code: null,
      }),
    ],
    [
      'tool_choice naming a hosted tool',
      codexRequestBody({ tool_choice: { type: 'web_search' } }),
      invalidRequest({
        message: "Invalid value: 'web_search'. Supported values are: 'function' and 'custom'.",
        param: 'tool_choice.type',
        code: 'invalid_value',
      }),
    ],
    [
      'reasoning.summary "none"',
      codexRequestBody({ reasoning: { effort: 'low', summary: 'none' } }),
      invalidRequest({
        message: "Invalid value: 'none'. Supported values are: 'auto', 'concise', and 'detailed'.",
        param: 'reasoning.summary',
        code: 'invalid_value',
      }),
    ],
    [
      'text.verbosity "max"',
      codexRequestBody({ text: { verbosity: 'max' } }),
      invalidRequest({
        message: "Invalid value: 'max'. Supported values are: 'low', 'medium', and 'high'.",
        param: 'text.verbosity',
        code: 'invalid_value',
      }),
    ],
  ])('issue 14: should reject %s by default, as the real backend does', async (_label, body, expected) => {
    const rig = await startCodexTestRig();

    const response = await postResponses({ rig, body });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual(expected);
    expect(rig.backend.exchanges).toMatchObject([{ status: 400, rejection: expected, scenario: undefined }]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['tool_choice required', codexRequestBody({ tool_choice: 'required' })],
    ['tool_choice none', codexRequestBody({ tool_choice: 'none' })],
    [
      'tool_choice naming a function of tools',
      codexRequestBody({ tool_choice: { type: 'function', name: 'get_weather' } }),
    ],
    [
      'tool_choice naming a custom tool of tools',
      codexRequestBody({
        tools: [{ type: 'custom', name: 'apply_patch' }],
        tool_choice: { type: 'custom', name: 'apply_patch' },
      }),
    ],
    ['a 64-character tool name with dashes', codexRequestBody({ tools: [weatherTool(`get-${'w'.repeat(60)}`)] })],
    ['reasoning.summary concise', codexRequestBody({ reasoning: { effort: 'low', summary: 'concise' } })],
    ['reasoning.summary detailed', codexRequestBody({ reasoning: { summary: 'detailed' } })],
    ['reasoning.summary null', codexRequestBody({ reasoning: { effort: 'high', summary: null } })],
    ['text.verbosity high', codexRequestBody({ text: { verbosity: 'high' } })],
    ['text.verbosity null', codexRequestBody({ text: { verbosity: null } })],
    [
      'the tool list of the Codex 0.169 capture',
      codexRequestBody({
        tools: [
          { type: 'function', name: 'exec_command', strict: false, parameters: { type: 'object' } },
          { type: 'function', name: 'list_mcp_resource_templates', strict: false, parameters: { type: 'object' } },
          { type: 'namespace', name: 'multi_agent_v1', strict: null },
          { type: 'namespace', name: 'image_gen', strict: null },
          { type: 'web_search', name: null, strict: null },
        ],
      }),
    ],
  ])('issue 14: should accept %s', async (_label, body) => {
    const rig = await startCodexTestRig();

    const response = await postResponses({ rig, body });
    const { data } = await readSseBody(response);

    expect(response.status).toBe(200);
    expect(data.at(-1)?.type).toBe('response.completed');
  });

  it.each<[string, Record<string, unknown>]>([
    ['a body like Codex 0.169 (developer message, item ids)', codexRequestBody()],
    [
      'instructions instead of a developer message',
      codexRequestBody({ instructions: 'Be brief.', input: [userMessage] }),
    ],
    ['empty instructions (CLIProxyAPI)', codexRequestBody({ instructions: '', input: [userMessage] })],
    ['both instructions and a developer message', codexRequestBody({ instructions: 'Be brief.' })],
    ['no reasoning effort (the model default applies)', codexRequestBody({ reasoning: { summary: 'auto' } })],
    ['reasoning null', codexRequestBody({ reasoning: null, include: [] })],
    ['ultra on gpt-5.6-sol', codexRequestBody({ model: 'gpt-5.6-sol', reasoning: { effort: 'ultra' } })],
    ['the hidden model', codexRequestBody({ model: 'codex-auto-review' })],
    [
      'replayed reasoning, call and output with ids (Codex 0.169 history)',
      codexRequestBody({
        input: [
          ...(codexRequestBody().input as unknown[]),
          { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAAABfake' },
          {
            type: 'function_call',
            id: 'fc_1',
            status: 'completed',
            call_id: 'call_1',
            name: 'get_weather',
            arguments: '{"city":"Paris"}',
          },
          { type: 'function_call_output', id: 'fco_1', call_id: 'call_1', output: 'sunny' },
          { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'It is sunny.' }] },
        ],
      }),
    ],
    [
      'reasoning without id (replayed by store:false clients)',
      codexRequestBody({
        input: [
          ...(codexRequestBody().input as unknown[]),
          { type: 'reasoning', summary: [{ type: 'summary_text', text: 'x' }], encrypted_content: 'gAAAAABfake' },
        ],
      }),
    ],
    [
      'custom tool call and output, image input, role-only message',
      codexRequestBody({
        input: [
          ...(codexRequestBody().input as unknown[]),
          { role: 'user', content: [{ type: 'input_image', image_url: 'data:image/png;base64,AAAA' }] },
          { type: 'custom_tool_call', call_id: 'call_2', name: 'apply_patch', input: '*** Begin Patch' },
          { type: 'custom_tool_call_output', call_id: 'call_2', output: 'done' },
        ],
      }),
    ],
    [
      'every tool kind Codex 0.169 sends, plus text, service_tier and client_metadata',
      codexRequestBody({
        tools: [
          { type: 'function', name: 'exec_command', strict: false, parameters: { type: 'object' } },
          { type: 'custom', name: 'apply_patch', format: { type: 'grammar' } },
          { type: 'namespace', name: 'image_gen', strict: null },
          { type: 'web_search', name: null },
          { type: 'tool_search' },
        ],
        text: {
          verbosity: 'low',
          format: {
            type: 'json_schema',
            strict: true,
            schema: { type: 'object', properties: {}, required: [], additionalProperties: false },
            name: 'codex_output_schema',
          },
        },
        service_tier: 'priority',
        client_metadata: { session_id: 's', 'x-codex-installation-id': 'i' },
      }),
    ],
  ])('should accept %s', async (_label, body) => {
    const rig = await startCodexTestRig();

    const response = await postResponses({ rig, body });
    const { data } = await readSseBody(response);

    expect(response.status).toBe(200);
    expect(data.at(-1)?.type).toBe('response.completed');
    expect(rig.backend.exchanges).toMatchObject([{ status: 200, scenario: 'text', rejection: undefined }]);
  });

  it('should reject temperature when configured stricter', async () => {
    const rig: CodexTestRig = await startCodexTestRig({
      unsupportedParameters: ['max_output_tokens', 'temperature'],
    });

    const response = await postResponses({ rig, body: codexRequestBody({ temperature: 0.2 }) });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ detail: 'Unsupported parameter: temperature' });
  });

  it('should not consume a queued scenario on a rejected request', async () => {
    const rig = await startCodexTestRig();
    rig.backend.enqueueScenarios('overloaded');

    const rejected = await postResponses({ rig, body: codexRequestBody({ store: true }) });
    const next = await postResponses({ rig, body: codexRequestBody() });

    expect(rejected.status).toBe(400);
    expect(next.status).toBe(503);
    expect(rig.backend.pendingScenarios).toEqual([]);
  });
});
