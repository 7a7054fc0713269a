import type { FakeOpenAiModel } from './fake-openai-model.ts';
import * as check from './openai-request-checks.ts';

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
  const { body, modelId } = check.readRequestBase({ ...options, known: KNOWN_PARAMETERS, isModelAParameter: false });
  const promptParts: string[] = [];
  checkMessages(body.messages, promptParts);
  checkToolChoice(body.tool_choice, checkTools(body.tools));
  const isStream = check.readOptionalBoolean('stream', body.stream) ?? false;
  let shouldIncludeUsage = false;
  if (body.stream_options != null) {
    if (!isStream) {
      const message = "The 'stream_options' parameter is only allowed when 'stream' is enabled.";
      throw check.openAiError({ message, param: 'stream_options' });
    }
    const { include_usage } = check.readObject('stream_options', body.stream_options);
    shouldIncludeUsage = check.readOptionalBoolean('stream_options.include_usage', include_usage) ?? false;
  }
  const maxTokens = check.readOptionalInteger('max_tokens', body.max_tokens);
  const maxCompletionTokens = check.readOptionalInteger('max_completion_tokens', body.max_completion_tokens);
  const model = check.resolveRequestModel({ models: options.models, id: modelId, endpoint: 'chat' });
  // Reasoning models (o-series, gpt-5) refuse `max_tokens` and a non-default `temperature`.
  if (model.isReasoning && body.max_tokens != null) {
    const message =
      "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.";
    throw check.openAiError({ message, param: 'max_tokens', code: 'unsupported_parameter' });
  }
  if (model.isReasoning && body.temperature != null && body.temperature !== 1) {
    const message = `Unsupported value: 'temperature' does not support ${String(body.temperature)} with this model. Only the default (1) value is supported.`;
    throw check.openAiError({ message, param: 'temperature', code: 'unsupported_value' });
  }
  const maxOutputTokens = maxCompletionTokens ?? maxTokens;
  return { body, model, isStream, shouldIncludeUsage, maxOutputTokens, promptText: promptParts.join('\n') };
}

function checkMessages(messages: unknown, promptParts: string[]): void {
  if (messages == null) check.rejectMissing('messages');
  if (!Array.isArray(messages)) check.rejectType('messages', 'an array', messages);
  if (messages.length === 0) {
    const message =
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.";
    throw check.openAiError({ message, param: 'messages', code: 'empty_array' });
  }
  // The tool call ids of the last assistant message that no tool message has answered yet.
  let pending: { index: number; ids: Set<string> } | undefined;
  for (const [index, value] of messages.entries()) {
    const param = `messages[${index}]`;
    const message = check.readObject(param, value);
    const role = check.readOneOf(`${param}.role`, message.role, ROLES, true);
    if (role === 'tool') {
      if (pending == null) {
        const message =
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
        throw check.openAiError({ message, param: `messages.[${index}].role` });
      }
      pending.ids.delete(check.readString(`${param}.tool_call_id`, message.tool_call_id));
    } else {
      if (pending != null && pending.ids.size > 0) rejectUnansweredToolCalls(pending);
      pending = undefined;
    }
    const hasToolCalls = role === 'assistant' && message.tool_calls != null;
    if (hasToolCalls) pending = { index, ids: new Set(readToolCallIds(param, message.tool_calls, promptParts)) };
    const isContentOptional = role === 'assistant' && (hasToolCalls || message.function_call != null);
    checkContent({ param, role, content: message.content, isOptional: isContentOptional, promptParts });
    if (role === 'function' && message.name == null) check.rejectMissing(`${param}.name`);
  }
  if (pending != null && pending.ids.size > 0) rejectUnansweredToolCalls(pending);
}

function rejectUnansweredToolCalls(pending: { index: number; ids: Set<string> }): never {
  throw check.openAiError({
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
    if (!options.isOptional) check.rejectMissing(`${param}.content`);
    return;
  }
  if (typeof content === 'string') {
    promptParts.push(content);
    return;
  }
  if (!Array.isArray(content)) check.rejectType(`${param}.content`, 'one of a string or array', content);
  for (const [index, value] of content.entries()) {
    const part = check.readObject(`${param}.content[${index}]`, value);
    const supported = CONTENT_PART_TYPES[options.role] ?? ['text'];
    const type = check.readOneOf(`${param}.content[${index}].type`, part.type, supported, true);
    if (type === 'text') promptParts.push(check.readString(`${param}.content[${index}].text`, part.text));
  }
}

function readToolCallIds(param: string, toolCalls: unknown, promptParts: string[]): string[] {
  if (!Array.isArray(toolCalls)) check.rejectType(`${param}.tool_calls`, 'an array', toolCalls);
  return toolCalls.map((value, index) => {
    const callParam = `${param}.tool_calls[${index}]`;
    const call = check.readObject(callParam, value);
    const id = check.readString(`${callParam}.id`, call.id);
    check.readOneOf(`${callParam}.type`, call.type, ['function'], true);
    const fn = check.readObject(`${callParam}.function`, call.function, true);
    check.checkFunctionName(`${callParam}.function.name`, fn.name);
    promptParts.push(check.readString(`${callParam}.function.arguments`, fn.arguments));
    return id;
  });
}

function checkTools(tools: unknown): number {
  if (tools == null) return 0;
  if (!Array.isArray(tools)) check.rejectType('tools', 'an array', tools);
  for (const [index, value] of tools.entries()) {
    const tool = check.readObject(`tools[${index}]`, value);
    const type = check.readOneOf(`tools[${index}].type`, tool.type, ['function', 'custom'], true);
    const definition = check.readObject(`tools[${index}].${type}`, tool[type], true);
    check.checkFunctionName(`tools[${index}].${type}.name`, definition.name);
    if (type === 'function' && definition.parameters != null) {
      check.readObject(`tools[${index}].function.parameters`, definition.parameters);
    }
  }
  return tools.length;
}

function checkToolChoice(toolChoice: unknown, toolCount: number): void {
  if (toolChoice == null) return;
  if (toolCount === 0 && toolChoice !== 'none') {
    const message = "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.";
    throw check.openAiError({ message, param: 'tool_choice' });
  }
  if (typeof toolChoice === 'string') check.readOneOf('tool_choice', toolChoice, ['none', 'auto', 'required']);
  else check.readObject('tool_choice', toolChoice);
}
