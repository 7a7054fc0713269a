import { isPlainObject } from '../describe-json-type.ts';
import type { FakeOpenAiModel } from './fake-openai-model.ts';
import { OPENAI_API_MESSAGES, OpenAiRequestRejectedError } from './openai-api-error.ts';
import {
  checkFunctionName,
  readObject,
  readOptionalBoolean,
  readOptionalPositiveInteger,
  rejectMissing,
  rejectType,
  rejectUnknownParameters,
  rejectValue,
} from './openai-request-checks.ts';
import { resolveRequestModel } from './resolve-request-model.ts';

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
const KNOWN_PARAMETERS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'audio',
  'frequency_penalty',
  'function_call',
  'functions',
  'logit_bias',
  'logprobs',
  'max_completion_tokens',
  'max_tokens',
  'metadata',
  'modalities',
  'n',
  'parallel_tool_calls',
  'prediction',
  'presence_penalty',
  'prompt_cache_key',
  'prompt_cache_retention',
  'reasoning_effort',
  'response_format',
  'safety_identifier',
  'seed',
  'service_tier',
  'stop',
  'store',
  'stream',
  'stream_options',
  'temperature',
  'tool_choice',
  'tools',
  'top_logprobs',
  'top_p',
  'user',
  'verbosity',
  'web_search_options',
]);

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'] as const;
const CONTENT_PART_TYPES: Record<string, readonly string[]> = {
  user: ['text', 'image_url', 'input_audio', 'file'],
  assistant: ['text', 'refusal'],
  system: ['text'],
  developer: ['text'],
  tool: ['text'],
};

export type ValidateChatCompletionRequestOptions = {
  body: unknown;
  models: readonly FakeOpenAiModel[];
  /** False lets vendor fields (DeepSeek's `thinking`, vLLM's `top_k`) through, as compatible servers do. */
  shouldRejectUnknownParameters: boolean;
};

/** Checks a chat completions body the way api.openai.com does; throws `OpenAiRequestRejectedError` on the first problem. */
export function validateChatCompletionRequest(options: ValidateChatCompletionRequestOptions): ChatCompletionRequest {
  const { body } = options;
  if (!isPlainObject(body)) throw new OpenAiRequestRejectedError({ message: OPENAI_API_MESSAGES.invalidJson });
  if (options.shouldRejectUnknownParameters) rejectUnknownParameters({ body, known: KNOWN_PARAMETERS });
  if (body.model == null || body.model === '') {
    throw new OpenAiRequestRejectedError({ message: OPENAI_API_MESSAGES.missingModel });
  }
  if (typeof body.model !== 'string') rejectType({ param: 'model', expected: 'a string', value: body.model });

  const promptParts: string[] = [];
  checkMessages({ messages: body.messages, promptParts });
  const toolCount = checkTools(body.tools);
  checkToolChoice({ toolChoice: body.tool_choice, toolCount });

  const isStream = readOptionalBoolean({ param: 'stream', value: body.stream }) ?? false;
  let shouldIncludeUsage = false;
  if (body.stream_options != null) {
    if (!isStream) {
      throw new OpenAiRequestRejectedError({
        message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
        param: 'stream_options',
      });
    }
    const streamOptions = readObject({ param: 'stream_options', value: body.stream_options });
    shouldIncludeUsage =
      readOptionalBoolean({ param: 'stream_options.include_usage', value: streamOptions.include_usage }) ?? false;
  }
  const maxTokens = readOptionalPositiveInteger({ param: 'max_tokens', value: body.max_tokens });
  const maxCompletionTokens = readOptionalPositiveInteger({
    param: 'max_completion_tokens',
    value: body.max_completion_tokens,
  });

  const model = resolveRequestModel({ models: options.models, id: body.model, endpoint: 'chat' });
  if (model.isReasoning) checkReasoningModelParameters(body);
  return {
    body,
    model,
    isStream,
    shouldIncludeUsage,
    maxOutputTokens: maxCompletionTokens ?? maxTokens,
    promptText: promptParts.join('\n'),
  };
}

function checkMessages(options: { messages: unknown; promptParts: string[] }): void {
  const { messages, promptParts } = options;
  if (messages == null) rejectMissing('messages');
  if (!Array.isArray(messages)) rejectType({ param: 'messages', expected: 'an array', value: messages });
  if (messages.length === 0) {
    throw new OpenAiRequestRejectedError({
      message:
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      param: 'messages',
      code: 'empty_array',
    });
  }
  // Tool call ids the last assistant message asked for and no tool message has answered yet.
  let pending: { index: number; ids: Set<string> } | undefined;
  let canAnswerToolCalls = false;
  for (const [index, value] of messages.entries()) {
    const param = `messages[${index}]`;
    const message = readObject({ param, value });
    if (message.role == null) rejectMissing(`${param}.role`);
    if (typeof message.role !== 'string' || !(ROLES as readonly string[]).includes(message.role)) {
      rejectValue({ param: `${param}.role`, value: message.role, supported: ROLES });
    }
    const role = message.role;
    if (role !== 'tool' && pending != null && pending.ids.size > 0) rejectUnansweredToolCalls(pending);
    if (role === 'tool') {
      if (!canAnswerToolCalls) {
        throw new OpenAiRequestRejectedError({
          message:
            "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          param: `messages.[${index}].role`,
        });
      }
      if (message.tool_call_id == null) rejectMissing(`${param}.tool_call_id`);
      if (typeof message.tool_call_id !== 'string') {
        rejectType({ param: `${param}.tool_call_id`, expected: 'a string', value: message.tool_call_id });
      }
      pending?.ids.delete(message.tool_call_id);
    } else {
      canAnswerToolCalls = false;
      pending = undefined;
    }
    const hasToolCalls = role === 'assistant' && message.tool_calls != null;
    if (hasToolCalls) {
      const ids = checkAssistantToolCalls({ param, toolCalls: message.tool_calls, promptParts });
      pending = { index, ids: new Set(ids) };
      canAnswerToolCalls = true;
    }
    const isContentOptional = role === 'assistant' && (hasToolCalls || message.function_call != null);
    checkContent({ param, role, content: message.content, isOptional: isContentOptional, promptParts });
    if (role === 'function' && message.name == null) rejectMissing(`${param}.name`);
  }
  if (pending != null && pending.ids.size > 0) rejectUnansweredToolCalls(pending);
}

function rejectUnansweredToolCalls(pending: { index: number; ids: Set<string> }): never {
  throw new OpenAiRequestRejectedError({
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
  const { param, role, content, promptParts } = options;
  if (content == null) {
    if (!options.isOptional) rejectMissing(`${param}.content`);
    return;
  }
  if (typeof content === 'string') {
    promptParts.push(content);
    return;
  }
  if (!Array.isArray(content))
    rejectType({ param: `${param}.content`, expected: 'one of a string or array', value: content });
  const supported = CONTENT_PART_TYPES[role] ?? ['text'];
  for (const [index, value] of content.entries()) {
    const partParam = `${param}.content[${index}]`;
    const part = readObject({ param: partParam, value });
    if (part.type == null) rejectMissing(`${partParam}.type`);
    if (typeof part.type !== 'string' || !supported.includes(part.type)) {
      rejectValue({ param: `${partParam}.type`, value: part.type, supported });
    }
    if (part.type === 'text') {
      if (part.text == null) rejectMissing(`${partParam}.text`);
      if (typeof part.text !== 'string')
        rejectType({ param: `${partParam}.text`, expected: 'a string', value: part.text });
      promptParts.push(part.text);
    }
  }
}

function checkAssistantToolCalls(options: { param: string; toolCalls: unknown; promptParts: string[] }): string[] {
  const { param, toolCalls } = options;
  if (!Array.isArray(toolCalls)) rejectType({ param: `${param}.tool_calls`, expected: 'an array', value: toolCalls });
  return toolCalls.map((value, index) => {
    const callParam = `${param}.tool_calls[${index}]`;
    const call = readObject({ param: callParam, value });
    if (call.id == null) rejectMissing(`${callParam}.id`);
    if (typeof call.id !== 'string') rejectType({ param: `${callParam}.id`, expected: 'a string', value: call.id });
    if (call.type == null) rejectMissing(`${callParam}.type`);
    if (call.type !== 'function')
      rejectValue({ param: `${callParam}.type`, value: call.type, supported: ['function'] });
    if (call.function == null) rejectMissing(`${callParam}.function`);
    const fn = readObject({ param: `${callParam}.function`, value: call.function });
    checkFunctionName({ param: `${callParam}.function.name`, value: fn.name });
    if (fn.arguments == null) rejectMissing(`${callParam}.function.arguments`);
    if (typeof fn.arguments !== 'string') {
      rejectType({ param: `${callParam}.function.arguments`, expected: 'a string', value: fn.arguments });
    }
    options.promptParts.push(fn.arguments);
    return call.id;
  });
}

function checkTools(tools: unknown): number {
  if (tools == null) return 0;
  if (!Array.isArray(tools)) rejectType({ param: 'tools', expected: 'an array', value: tools });
  for (const [index, value] of tools.entries()) {
    const param = `tools[${index}]`;
    const tool = readObject({ param, value });
    if (tool.type == null) rejectMissing(`${param}.type`);
    if (tool.type !== 'function' && tool.type !== 'custom') {
      rejectValue({ param: `${param}.type`, value: tool.type, supported: ['function', 'custom'] });
    }
    const field = tool.type === 'function' ? 'function' : 'custom';
    if (tool[field] == null) rejectMissing(`${param}.${field}`);
    const definition = readObject({ param: `${param}.${field}`, value: tool[field] });
    checkFunctionName({ param: `${param}.${field}.name`, value: definition.name });
    if (field === 'function' && definition.parameters != null) {
      readObject({ param: `${param}.function.parameters`, value: definition.parameters });
    }
  }
  return tools.length;
}

function checkToolChoice(options: { toolChoice: unknown; toolCount: number }): void {
  const { toolChoice } = options;
  if (toolChoice == null) return;
  if (options.toolCount === 0 && toolChoice !== 'none') {
    throw new OpenAiRequestRejectedError({
      message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
      param: 'tool_choice',
    });
  }
  if (typeof toolChoice === 'string') {
    if (!['none', 'auto', 'required'].includes(toolChoice)) {
      rejectValue({ param: 'tool_choice', value: toolChoice, supported: ['none', 'auto', 'required'] });
    }
    return;
  }
  readObject({ param: 'tool_choice', value: toolChoice });
}

function checkReasoningModelParameters(body: Record<string, unknown>): void {
  if (body.max_tokens != null) {
    throw new OpenAiRequestRejectedError({
      message:
        "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      param: 'max_tokens',
      code: 'unsupported_parameter',
    });
  }
  if (body.temperature != null && body.temperature !== 1) {
    throw new OpenAiRequestRejectedError({
      message: `Unsupported value: 'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`,
      param: 'temperature',
      code: 'unsupported_value',
    });
  }
}
