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

export type ChatCompletionRequest = {
  body: Record<string, unknown>;
  model: FakeOpenAiModel;
  isStream: boolean;
  shouldIncludeUsage: boolean;
  maxOutputTokens: number | undefined;
  /** Every text the request carries, for the prompt token estimate. */
  promptText: string;
};

// Everything api.openai.com accepted on /v1/chat/completions in 2026; anything else is "Unrecognized request argument".
const KNOWN_PARAMETERS: ReadonlySet<string> = new Set(
  (
    'model messages audio frequency_penalty function_call functions logit_bias logprobs max_completion_tokens ' +
    'max_tokens metadata modalities n parallel_tool_calls prediction presence_penalty prompt_cache_key ' +
    'prompt_cache_retention reasoning_effort response_format safety_identifier seed service_tier stop store stream ' +
    'stream_options temperature tool_choice tools top_logprobs top_p user verbosity web_search_options'
  ).split(' '),
);
const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];
const CONTENT_PART_TYPES: Record<string, readonly string[]> = {
  user: ['text', 'image_url', 'input_audio', 'file'],
  assistant: ['text', 'refusal'],
};

/** Checks a chat completions body the way api.openai.com does; throws an `ApiRejection` on the first problem. */
export function validateChatCompletionRequest(options: {
  body: unknown;
  models: readonly FakeOpenAiModel[];
  /** False lets vendor fields (DeepSeek's `thinking`, vLLM's `top_k`) through, as compatible servers do. */
  shouldRejectUnknownParameters: boolean;
}): ChatCompletionRequest {
  const { body, modelId } = readRequestBase({ ...options, known: KNOWN_PARAMETERS, isModelAParameter: false });
  const promptParts: string[] = [];
  checkMessages({ messages: body.messages, promptParts });
  checkToolChoice({ toolChoice: body.tool_choice, toolCount: checkTools(body.tools) });
  const isStream = readOptionalBoolean({ param: 'stream', value: body.stream }) ?? false;
  let shouldIncludeUsage = false;
  if (body.stream_options != null) {
    if (!isStream) {
      throw openAiError({
        message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        param: 'stream_options',
      });
    }
    const { include_usage } = readObject({ param: 'stream_options', value: body.stream_options });
    shouldIncludeUsage = readOptionalBoolean({ param: 'stream_options.include_usage', value: include_usage }) ?? false;
  }
  const maxTokens = readOptionalInteger({ param: 'max_tokens', value: body.max_tokens });
  const maxCompletionTokens = readOptionalInteger({
    param: 'max_completion_tokens',
    value: body.max_completion_tokens,
  });
  const model = resolveRequestModel({ models: options.models, id: modelId, endpoint: 'chat' });
  if (model.isReasoning) checkReasoningModelParameters(body);
  const maxOutputTokens = maxCompletionTokens ?? maxTokens;
  return { body, model, isStream, shouldIncludeUsage, maxOutputTokens, promptText: promptParts.join('\n') };
}

function checkMessages(options: { messages: unknown; promptParts: string[] }): void {
  const { messages, promptParts } = options;
  if (messages == null) rejectMissing('messages');
  if (!Array.isArray(messages)) rejectType({ param: 'messages', expected: 'an array', value: messages });
  if (messages.length === 0) {
    throw openAiError({
      message:
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      param: 'messages',
      code: 'empty_array',
    });
  }
  // Tool call ids the last assistant message asked for and no tool message has answered yet.
  let pending: { index: number; ids: Set<string> } | undefined;
  for (const [index, value] of messages.entries()) {
    const param = `messages[${index}]`;
    const message = readObject({ param, value });
    const role = readOneOf({ param: `${param}.role`, value: message.role, supported: ROLES, isRequired: true });
    if (role === 'tool') {
      if (pending == null) {
        throw openAiError({
          message:
            "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          param: `messages.[${index}].role`,
        });
      }
      pending.ids.delete(readString({ param: `${param}.tool_call_id`, value: message.tool_call_id }));
    } else {
      if (pending != null && pending.ids.size > 0) rejectUnansweredToolCalls(pending);
      pending = undefined;
    }
    const hasToolCalls = role === 'assistant' && message.tool_calls != null;
    if (hasToolCalls) {
      pending = { index, ids: new Set(readToolCallIds({ param, toolCalls: message.tool_calls, promptParts })) };
    }
    const isContentOptional = role === 'assistant' && (hasToolCalls || message.function_call != null);
    checkContent({ param, role, content: message.content, isOptional: isContentOptional, promptParts });
    if (role === 'function' && message.name == null) rejectMissing(`${param}.name`);
  }
  if (pending != null && pending.ids.size > 0) rejectUnansweredToolCalls(pending);
}

function rejectUnansweredToolCalls(pending: { index: number; ids: Set<string> }): never {
  throw openAiError({
    message:
      "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. " +
      `The following tool_call_ids did not have response messages: ${[...pending.ids].join(', ')}`,
    param: `messages.[${pending.index}].role`,
  });
}

function checkContent(options: {
  param: string;
  role: string;
  content: unknown;
  isOptional: boolean;
  promptParts: string[];
}): void {
  const { param, content, promptParts } = options;
  if (content == null) {
    if (!options.isOptional) rejectMissing(`${param}.content`);
    return;
  }
  if (typeof content === 'string') {
    promptParts.push(content);
    return;
  }
  if (!Array.isArray(content)) {
    rejectType({ param: `${param}.content`, expected: 'one of a string or array', value: content });
  }
  const supported = CONTENT_PART_TYPES[options.role] ?? ['text'];
  for (const [index, value] of content.entries()) {
    const partParam = `${param}.content[${index}]`;
    const part = readObject({ param: partParam, value });
    const type = readOneOf({ param: `${partParam}.type`, value: part.type, supported, isRequired: true });
    if (type === 'text') promptParts.push(readString({ param: `${partParam}.text`, value: part.text }));
  }
}

function readToolCallIds(options: { param: string; toolCalls: unknown; promptParts: string[] }): string[] {
  const { param, toolCalls } = options;
  if (!Array.isArray(toolCalls)) rejectType({ param: `${param}.tool_calls`, expected: 'an array', value: toolCalls });
  return toolCalls.map((value, index) => {
    const callParam = `${param}.tool_calls[${index}]`;
    const call = readObject({ param: callParam, value });
    const id = readString({ param: `${callParam}.id`, value: call.id });
    readOneOf({ param: `${callParam}.type`, value: call.type, supported: ['function'], isRequired: true });
    const fn = readObject({ param: `${callParam}.function`, value: call.function, isRequired: true });
    checkFunctionName({ param: `${callParam}.function.name`, value: fn.name });
    options.promptParts.push(readString({ param: `${callParam}.function.arguments`, value: fn.arguments }));
    return id;
  });
}

function checkTools(tools: unknown): number {
  if (tools == null) return 0;
  if (!Array.isArray(tools)) rejectType({ param: 'tools', expected: 'an array', value: tools });
  for (const [index, value] of tools.entries()) {
    const param = `tools[${index}]`;
    const tool = readObject({ param, value });
    const type = readOneOf({
      param: `${param}.type`,
      value: tool.type,
      supported: ['function', 'custom'],
      isRequired: true,
    });
    const definition = readObject({ param: `${param}.${type}`, value: tool[type], isRequired: true });
    checkFunctionName({ param: `${param}.${type}.name`, value: definition.name });
    if (type === 'function' && definition.parameters != null) {
      readObject({ param: `${param}.function.parameters`, value: definition.parameters });
    }
  }
  return tools.length;
}

function checkToolChoice(options: { toolChoice: unknown; toolCount: number }): void {
  const { toolChoice } = options;
  if (toolChoice == null) return;
  if (options.toolCount === 0 && toolChoice !== 'none') {
    throw openAiError({
      message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      param: 'tool_choice',
    });
  }
  if (typeof toolChoice === 'string')
    readOneOf({ param: 'tool_choice', value: toolChoice, supported: ['none', 'auto', 'required'] });
  else readObject({ param: 'tool_choice', value: toolChoice });
}

/** Reasoning models (o-series, gpt-5) reject `max_tokens` and a non-default `temperature`. */
function checkReasoningModelParameters(body: Record<string, unknown>): void {
  if (body.max_tokens != null) {
    throw openAiError({
      message:
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      param: 'max_tokens',
      code: 'unsupported_parameter',
    });
  }
  if (body.temperature != null && body.temperature !== 1) {
    throw openAiError({
      message: `Unsupported value: 'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`,
      param: 'temperature',
      code: 'unsupported_value',
    });
  }
}
