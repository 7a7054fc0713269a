import type { FakeOpenAiModel } from './fake-openai-model.ts';
import * as check from './openai-request-checks.ts';

export type ResponsesRequest = {
  body: Record<string, unknown>;
  model: FakeOpenAiModel;
  isStream: boolean;
  maxOutputTokens: number | undefined;
  promptText: string;
  /** False when the request said `store: false`, so a later `previous_response_id` cannot name it. */
  shouldStore: boolean;
};

const KNOWN_PARAMETERS: ReadonlySet<string> = new Set(
  (
    'model input instructions tools tool_choice stream stream_options reasoning max_output_tokens max_tool_calls ' +
    'store previous_response_id conversation text parallel_tool_calls include metadata temperature top_p ' +
    'top_logprobs truncation user prompt prompt_cache_key prompt_cache_retention service_tier safety_identifier ' +
    'background'
  ).split(' '),
);
const ROLES = ['assistant', 'system', 'developer', 'user'];
const ITEM_TYPES = ['message', 'function_call', 'function_call_output', 'reasoning', 'item_reference'];
const TOOL_TYPES = (
  'function custom file_search web_search web_search_preview computer_use_preview code_interpreter image_generation ' +
  'local_shell mcp'
).split(' ');

/** Checks a `POST /v1/responses` body; throws an `ApiRejection` on the first problem. */
export function validateResponsesRequest(options: {
  body: unknown;
  models: readonly FakeOpenAiModel[];
  shouldRejectUnknownParameters: boolean;
  hasStoredResponse: (id: string) => boolean;
}): ResponsesRequest {
  const { body, modelId } = check.readRequestBase({ ...options, known: KNOWN_PARAMETERS, isModelAParameter: true });
  const promptParts = typeof body.instructions === 'string' ? [body.instructions] : [];
  const previousId = body.previous_response_id;
  if (previousId != null && (typeof previousId !== 'string' || !options.hasStoredResponse(previousId))) {
    const message = `Previous response with id '${String(previousId)}' not found.`;
    throw check.openAiError({ message, param: 'previous_response_id', code: 'previous_response_not_found' });
  }
  checkInput(body.input, promptParts, previousId != null);
  checkTools(body.tools);
  const isStream = check.readOptionalBoolean('stream', body.stream) ?? false;
  const shouldStore = check.readOptionalBoolean('store', body.store) ?? true;
  const maxOutputTokens = check.readOptionalInteger('max_output_tokens', body.max_output_tokens, 16);
  if (body.reasoning != null) check.readObject('reasoning', body.reasoning);
  const model = check.resolveRequestModel({ models: options.models, id: modelId, endpoint: 'responses' });
  return { body, model, isStream, maxOutputTokens, promptText: promptParts.join('\n'), shouldStore };
}

function checkInput(input: unknown, promptParts: string[], hasPreviousResponse: boolean): void {
  if (input == null) {
    if (hasPreviousResponse) return;
    check.rejectMissing('input');
  }
  if (typeof input === 'string') {
    promptParts.push(input);
    return;
  }
  if (!Array.isArray(input)) check.rejectType('input', 'one of a string or array', input);
  const callIds = new Set<string>();
  for (const [index, value] of input.entries()) {
    const param = `input[${index}]`;
    const item = check.readObject(param, value);
    const type = check.readOneOf(
      `${param}.type`,
      item.type ?? (item.role == null ? undefined : 'message'),
      ITEM_TYPES,
      true,
    );
    if (type === 'message') {
      const role = check.readOneOf(`${param}.role`, item.role, ROLES, true);
      checkMessageContent(param, role, item.content, promptParts);
    } else if (type === 'function_call') {
      const [callId = '', , argumentsText = ''] = ['call_id', 'name', 'arguments'].map((field) =>
        check.readString(`${param}.${field}`, item[field]),
      );
      callIds.add(callId);
      promptParts.push(argumentsText);
    } else if (type === 'function_call_output') {
      if (item.call_id == null) check.rejectMissing(`${param}.call_id`);
      if (item.output == null) check.rejectMissing(`${param}.output`);
      // With a previous response the call may live there; the fake does not keep items, so it trusts the id.
      if (!hasPreviousResponse && !callIds.has(String(item.call_id))) {
        const message = `No tool call found for function call output with call_id ${String(item.call_id)}.`;
        throw check.openAiError({ message, param: 'input' });
      }
      promptParts.push(typeof item.output === 'string' ? item.output : JSON.stringify(item.output));
    }
  }
}

function checkMessageContent(param: string, role: string, content: unknown, promptParts: string[]): void {
  if (content == null) check.rejectMissing(`${param}.content`);
  if (typeof content === 'string') {
    promptParts.push(content);
    return;
  }
  if (!Array.isArray(content)) check.rejectType(`${param}.content`, 'one of a string or array', content);
  const supported =
    role === 'assistant' ? ['output_text', 'refusal'] : ['input_text', 'input_image', 'input_file', 'input_audio'];
  for (const [index, value] of content.entries()) {
    const part = check.readObject(`${param}.content[${index}]`, value);
    const type = check.readOneOf(`${param}.content[${index}].type`, part.type, supported);
    if (type !== 'input_text' && type !== 'output_text') continue;
    if (typeof part.text !== 'string') check.rejectType(`${param}.content[${index}].text`, 'a string', part.text);
    promptParts.push(part.text);
  }
}

function checkTools(tools: unknown): void {
  if (tools == null) return;
  if (!Array.isArray(tools)) check.rejectType('tools', 'an array', tools);
  for (const [index, value] of tools.entries()) {
    const tool = check.readObject(`tools[${index}]`, value);
    const type = check.readOneOf(`tools[${index}].type`, tool.type, TOOL_TYPES, true);
    if (type === 'function' || type === 'custom') check.checkFunctionName(`tools[${index}].name`, tool.name);
    if (type === 'function' && tool.parameters != null) check.readObject(`tools[${index}].parameters`, tool.parameters);
  }
}
