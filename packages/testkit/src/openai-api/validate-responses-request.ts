import type { FakeOpenAiModel } from './fake-openai-model.ts';
import { openAiError } from './openai-api-error.ts';
import {
  checkFunctionName,
  readObject,
  readOneOf,
  readOptionalBoolean,
  readOptionalInteger,
  readRequestBase,
  readString,
  rejectMissing,
  rejectType,
  resolveRequestModel,
} from './openai-request-checks.ts';

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
  /** Whether an earlier stored response has this id. */
  hasStoredResponse: (id: string) => boolean;
}): ResponsesRequest {
  const { body, modelId } = readRequestBase({ ...options, known: KNOWN_PARAMETERS, isModelAParameter: true });
  const promptParts: string[] = [];
  if (typeof body.instructions === 'string') promptParts.push(body.instructions);
  const previousResponseId = body.previous_response_id;
  if (
    previousResponseId != null &&
    (typeof previousResponseId !== 'string' || !options.hasStoredResponse(previousResponseId))
  ) {
    throw openAiError({
      message: `Previous response with id '${String(previousResponseId)}' not found.`,
      param: 'previous_response_id',
      code: 'previous_response_not_found',
    });
  }
  checkInput({ input: body.input, promptParts, hasPreviousResponse: previousResponseId != null });
  checkTools(body.tools);
  const isStream = readOptionalBoolean({ param: 'stream', value: body.stream }) ?? false;
  const shouldStore = readOptionalBoolean({ param: 'store', value: body.store }) ?? true;
  const maxOutputTokens = readOptionalInteger({
    param: 'max_output_tokens',
    value: body.max_output_tokens,
    minimum: 16,
  });
  if (body.reasoning != null) readObject({ param: 'reasoning', value: body.reasoning });
  const model = resolveRequestModel({ models: options.models, id: modelId, endpoint: 'responses' });
  return { body, model, isStream, maxOutputTokens, promptText: promptParts.join('\n'), shouldStore };
}

function checkInput(options: { input: unknown; promptParts: string[]; hasPreviousResponse: boolean }): void {
  const { input, promptParts } = options;
  if (input == null) {
    if (options.hasPreviousResponse) return;
    rejectMissing('input');
  }
  if (typeof input === 'string') {
    promptParts.push(input);
    return;
  }
  if (!Array.isArray(input)) rejectType({ param: 'input', expected: 'one of a string or array', value: input });
  const callIds = new Set<string>();
  for (const [index, value] of input.entries()) {
    const param = `input[${index}]`;
    const item = readObject({ param, value });
    const type = readOneOf({
      param: `${param}.type`,
      value: item.type ?? (item.role == null ? undefined : 'message'),
      supported: ITEM_TYPES,
      isRequired: true,
    });
    if (type === 'message') {
      const role = readOneOf({ param: `${param}.role`, value: item.role, supported: ROLES, isRequired: true });
      checkMessageContent({ param, role, content: item.content, promptParts });
    } else if (type === 'function_call') {
      const [callId, , argumentsText] = ['call_id', 'name', 'arguments'].map((field) =>
        readString({ param: `${param}.${field}`, value: item[field] }),
      );
      callIds.add(callId as string);
      promptParts.push(argumentsText as string);
    } else if (type === 'function_call_output') {
      if (item.call_id == null) rejectMissing(`${param}.call_id`);
      if (item.output == null) rejectMissing(`${param}.output`);
      // With a previous response the call may live there; the fake does not keep items, so it trusts the id.
      if (!options.hasPreviousResponse && !callIds.has(String(item.call_id))) {
        throw openAiError({
          message: `No tool call found for function call output with call_id ${String(item.call_id)}.`,
          param: 'input',
        });
      }
      promptParts.push(typeof item.output === 'string' ? item.output : JSON.stringify(item.output));
    }
  }
}

function checkMessageContent(options: { param: string; role: string; content: unknown; promptParts: string[] }): void {
  const { param, content } = options;
  if (content == null) rejectMissing(`${param}.content`);
  if (typeof content === 'string') {
    options.promptParts.push(content);
    return;
  }
  if (!Array.isArray(content)) {
    rejectType({ param: `${param}.content`, expected: 'one of a string or array', value: content });
  }
  const supported =
    options.role === 'assistant'
      ? ['output_text', 'refusal']
      : ['input_text', 'input_image', 'input_file', 'input_audio'];
  for (const [index, value] of content.entries()) {
    const partParam = `${param}.content[${index}]`;
    const part = readObject({ param: partParam, value });
    const type = readOneOf({ param: `${partParam}.type`, value: part.type, supported });
    if (type !== 'input_text' && type !== 'output_text') continue;
    if (typeof part.text !== 'string')
      rejectType({ param: `${partParam}.text`, expected: 'a string', value: part.text });
    options.promptParts.push(part.text);
  }
}

function checkTools(tools: unknown): void {
  if (tools == null) return;
  if (!Array.isArray(tools)) rejectType({ param: 'tools', expected: 'an array', value: tools });
  for (const [index, value] of tools.entries()) {
    const param = `tools[${index}]`;
    const tool = readObject({ param, value });
    const type = readOneOf({ param: `${param}.type`, value: tool.type, supported: TOOL_TYPES, isRequired: true });
    if (type === 'function' || type === 'custom') checkFunctionName({ param: `${param}.name`, value: tool.name });
    if (type === 'function' && tool.parameters != null) {
      readObject({ param: `${param}.parameters`, value: tool.parameters });
    }
  }
}
