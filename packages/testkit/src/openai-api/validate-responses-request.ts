import { isPlainObject } from '../describe-json-type.ts';
import type { FakeOpenAiModel } from './fake-openai-model.ts';
import { OPENAI_API_MESSAGES, OpenAiRequestRejectedError } from './openai-api-error.ts';
import {
  checkFunctionName,
  readObject,
  readOptionalBoolean,
  rejectMissing,
  rejectType,
  rejectUnknownParameters,
  rejectValue,
} from './openai-request-checks.ts';
import { resolveRequestModel } from './resolve-request-model.ts';

export type ResponsesRequest = {
  body: Record<string, unknown>;
  model: FakeOpenAiModel;
  isStream: boolean;
  maxOutputTokens: number | undefined;
  promptText: string;
  /** False when the request said `store: false`, so a later `previous_response_id` cannot name it. */
  shouldStore: boolean;
};

const KNOWN_PARAMETERS: ReadonlySet<string> = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'stream',
  'stream_options',
  'reasoning',
  'max_output_tokens',
  'max_tool_calls',
  'store',
  'previous_response_id',
  'conversation',
  'text',
  'parallel_tool_calls',
  'include',
  'metadata',
  'temperature',
  'top_p',
  'top_logprobs',
  'truncation',
  'user',
  'prompt',
  'prompt_cache_key',
  'prompt_cache_retention',
  'service_tier',
  'safety_identifier',
  'background',
]);

const ROLES = ['assistant', 'system', 'developer', 'user'] as const;
const ITEM_TYPES = ['message', 'function_call', 'function_call_output', 'reasoning', 'item_reference'] as const;
const TOOL_TYPES = [
  'function',
  'custom',
  'file_search',
  'web_search',
  'web_search_preview',
  'computer_use_preview',
  'code_interpreter',
  'image_generation',
  'local_shell',
  'mcp',
] as const;

export type ValidateResponsesRequestOptions = {
  body: unknown;
  models: readonly FakeOpenAiModel[];
  shouldRejectUnknownParameters: boolean;
  /** Whether an earlier stored response has this id. */
  hasStoredResponse: (id: string) => boolean;
};

/** Checks a `POST /v1/responses` body; throws `OpenAiRequestRejectedError` on the first problem. */
export function validateResponsesRequest(options: ValidateResponsesRequestOptions): ResponsesRequest {
  const { body } = options;
  if (!isPlainObject(body)) throw new OpenAiRequestRejectedError({ message: OPENAI_API_MESSAGES.invalidJson });
  if (options.shouldRejectUnknownParameters) rejectUnknownParameters({ body, known: KNOWN_PARAMETERS });
  if (body.model == null || body.model === '') rejectMissing('model');
  if (typeof body.model !== 'string') rejectType({ param: 'model', expected: 'a string', value: body.model });

  const promptParts: string[] = [];
  if (typeof body.instructions === 'string') promptParts.push(body.instructions);
  const previousResponseId = body.previous_response_id;
  if (previousResponseId != null) {
    if (typeof previousResponseId !== 'string' || !options.hasStoredResponse(previousResponseId)) {
      throw new OpenAiRequestRejectedError({
        message: `Previous response with id '${String(previousResponseId)}' not found.`,
        param: 'previous_response_id',
        code: 'previous_response_not_found',
      });
    }
  }
  checkInput({ input: body.input, promptParts, hasPreviousResponse: previousResponseId != null });
  checkTools(body.tools);
  const isStream = readOptionalBoolean({ param: 'stream', value: body.stream }) ?? false;
  const shouldStore = readOptionalBoolean({ param: 'store', value: body.store }) ?? true;
  const maxOutputTokens = body.max_output_tokens;
  if (maxOutputTokens != null) {
    if (typeof maxOutputTokens !== 'number' || !Number.isInteger(maxOutputTokens)) {
      rejectType({ param: 'max_output_tokens', expected: 'an integer', value: maxOutputTokens });
    }
    if (maxOutputTokens < 16) {
      throw new OpenAiRequestRejectedError({
        message: `Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${maxOutputTokens} instead.`,
        param: 'max_output_tokens',
        code: 'integer_below_min_value',
      });
    }
  }
  if (body.reasoning != null) readObject({ param: 'reasoning', value: body.reasoning });
  const model = resolveRequestModel({ models: options.models, id: body.model, endpoint: 'responses' });
  return {
    body,
    model,
    isStream,
    maxOutputTokens: maxOutputTokens as number | undefined,
    promptText: promptParts.join('\n'),
    shouldStore,
  };
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
    const type = item.type ?? (item.role == null ? undefined : 'message');
    if (type == null) rejectMissing(`${param}.type`);
    if (typeof type !== 'string' || !(ITEM_TYPES as readonly string[]).includes(type)) {
      rejectValue({ param: `${param}.type`, value: type, supported: ITEM_TYPES });
    }
    if (type === 'message') {
      if (item.role == null) rejectMissing(`${param}.role`);
      if (typeof item.role !== 'string' || !(ROLES as readonly string[]).includes(item.role)) {
        rejectValue({ param: `${param}.role`, value: item.role, supported: ROLES });
      }
      checkMessageContent({ param, role: item.role, content: item.content, promptParts });
    } else if (type === 'function_call') {
      for (const field of ['call_id', 'name', 'arguments']) {
        if (item[field] == null) rejectMissing(`${param}.${field}`);
        if (typeof item[field] !== 'string')
          rejectType({ param: `${param}.${field}`, expected: 'a string', value: item[field] });
      }
      callIds.add(item.call_id as string);
      promptParts.push(item.arguments as string);
    } else if (type === 'function_call_output') {
      if (item.call_id == null) rejectMissing(`${param}.call_id`);
      if (item.output == null) rejectMissing(`${param}.output`);
      // With a previous response the call may live there; the fake does not keep items, so it trusts the id.
      if (!options.hasPreviousResponse && !callIds.has(String(item.call_id))) {
        throw new OpenAiRequestRejectedError({
          message: `No tool call found for function call output with call_id ${String(item.call_id)}.`,
          param: 'input',
        });
      }
      promptParts.push(typeof item.output === 'string' ? item.output : JSON.stringify(item.output));
    }
  }
}

function checkMessageContent(options: { param: string; role: string; content: unknown; promptParts: string[] }): void {
  const { param, role, content } = options;
  if (content == null) rejectMissing(`${param}.content`);
  if (typeof content === 'string') {
    options.promptParts.push(content);
    return;
  }
  if (!Array.isArray(content))
    rejectType({ param: `${param}.content`, expected: 'one of a string or array', value: content });
  const supported =
    role === 'assistant' ? ['output_text', 'refusal'] : ['input_text', 'input_image', 'input_file', 'input_audio'];
  for (const [index, value] of content.entries()) {
    const partParam = `${param}.content[${index}]`;
    const part = readObject({ param: partParam, value });
    if (typeof part.type !== 'string' || !supported.includes(part.type)) {
      rejectValue({ param: `${partParam}.type`, value: part.type, supported });
    }
    if (part.type === 'input_text' || part.type === 'output_text') {
      if (typeof part.text !== 'string')
        rejectType({ param: `${partParam}.text`, expected: 'a string', value: part.text });
      options.promptParts.push(part.text);
    }
  }
}

function checkTools(tools: unknown): void {
  if (tools == null) return;
  if (!Array.isArray(tools)) rejectType({ param: 'tools', expected: 'an array', value: tools });
  for (const [index, value] of tools.entries()) {
    const param = `tools[${index}]`;
    const tool = readObject({ param, value });
    if (tool.type == null) rejectMissing(`${param}.type`);
    if (typeof tool.type !== 'string' || !(TOOL_TYPES as readonly string[]).includes(tool.type)) {
      rejectValue({ param: `${param}.type`, value: tool.type, supported: TOOL_TYPES });
    }
    if (tool.type === 'function' || tool.type === 'custom') {
      checkFunctionName({ param: `${param}.name`, value: tool.name });
    }
    if (tool.type === 'function' && tool.parameters != null) {
      readObject({ param: `${param}.parameters`, value: tool.parameters });
    }
  }
}
