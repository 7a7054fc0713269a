import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3ToolChoice,
} from '@pag/providers';
import { GatewayError } from '../gateway-error.ts';
import type { ChatCompletionRequest, ChatMessage } from './chat-completion-request.ts';
import { jsonSchemaStrictness } from './json-schema-strictness.ts';

type ModelCall = Omit<LanguageModelV3CallOptions, 'abortSignal'>;
type JsonSchema = LanguageModelV3FunctionTool['inputSchema'];

/** A JSON Schema that accepts any object: the input schema of a tool declared without `parameters`. */
const ANY_OBJECT_SCHEMA: JsonSchema = { type: 'object', properties: {} };

/**
 * A Chat Completions request as a provider-neutral model call. The checks zod cannot express live here: every tool
 * message answers a tool call of an earlier assistant message, tool-call arguments are JSON, a forced tool exists.
 * Each failure is a 400 naming the field (`param`) to fix.
 */
export function toModelCall(request: ChatCompletionRequest): { call: ModelCall; reasoningEffort: string | undefined } {
  const tools = (request.tools ?? []).map(
    (tool): LanguageModelV3FunctionTool => ({
      type: 'function',
      name: tool.function.name,
      ...(tool.function.description == null ? {} : { description: tool.function.description }),
      inputSchema: (tool.function.parameters as JsonSchema | undefined) ?? ANY_OBJECT_SCHEMA,
      ...(tool.function.strict == null ? {} : { strict: tool.function.strict }),
    }),
  );
  const call: ModelCall = { prompt: toPrompt(request.messages) };
  if (tools.length > 0) call.tools = tools;
  const toolChoice = toToolChoice(request, tools);
  if (toolChoice != null) call.toolChoice = toolChoice;
  const format = request.response_format;
  if (format?.type === 'json_object') call.responseFormat = { type: 'json' };
  if (format?.type === 'json_schema') {
    call.responseFormat = {
      type: 'json',
      name: format.json_schema.name,
      ...(format.json_schema.description == null ? {} : { description: format.json_schema.description }),
      ...(format.json_schema.schema == null ? {} : { schema: format.json_schema.schema as JsonSchema }),
    };
    call.providerOptions = jsonSchemaStrictness(format.json_schema.strict);
  }
  const maxOutputTokens = request.max_completion_tokens ?? request.max_tokens;
  if (maxOutputTokens != null) call.maxOutputTokens = maxOutputTokens;
  if (request.temperature != null) call.temperature = request.temperature;
  if (request.top_p != null) call.topP = request.top_p;
  if (request.presence_penalty != null) call.presencePenalty = request.presence_penalty;
  if (request.frequency_penalty != null) call.frequencyPenalty = request.frequency_penalty;
  if (request.seed != null) call.seed = request.seed;
  if (request.stop != null) call.stopSequences = typeof request.stop === 'string' ? [request.stop] : request.stop;
  return { call, reasoningEffort: request.reasoning_effort ?? undefined };
}

function toToolChoice(
  request: ChatCompletionRequest,
  tools: readonly LanguageModelV3FunctionTool[],
): LanguageModelV3ToolChoice | undefined {
  const choice = request.tool_choice;
  if (choice == null) return undefined;
  if (typeof choice === 'string') {
    if (choice === 'required' && tools.length === 0) {
      throw invalid('tool_choice', 'tool_choice "required" needs at least one tool in "tools".');
    }
    return { type: choice };
  }
  if (!tools.some((tool) => tool.name === choice.function.name)) {
    throw invalid('tool_choice', `tool_choice names "${choice.function.name}", which is not one of "tools".`);
  }
  return { type: 'tool', toolName: choice.function.name };
}

function toPrompt(messages: readonly ChatMessage[]): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [];
  // Tool results must name their tool; the Chat Completions format only gives the call id.
  const toolNames = new Map<string, string>();
  for (const [index, message] of messages.entries()) {
    const param = `messages[${index}]`;
    switch (message.role) {
      case 'system':
      case 'developer':
        prompt.push({ role: 'system', content: joinText(message.content) });
        break;
      case 'user':
        prompt.push({ role: 'user', content: toUserContent(message.content, param) });
        break;
      case 'assistant': {
        const content: Extract<LanguageModelV3Message, { role: 'assistant' }>['content'] = [];
        const text = message.content == null ? '' : joinText(message.content);
        if (text !== '') content.push({ type: 'text', text });
        for (const [callIndex, toolCall] of (message.tool_calls ?? []).entries()) {
          toolNames.set(toolCall.id, toolCall.function.name);
          content.push({
            type: 'tool-call',
            toolCallId: toolCall.id,
            toolName: toolCall.function.name,
            input: parseArguments(toolCall.function.arguments, `${param}.tool_calls[${callIndex}].function.arguments`),
          });
        }
        if (content.length === 0) {
          throw invalid(`${param}.content`, `${param} (assistant) needs content or tool_calls.`);
        }
        prompt.push({ role: 'assistant', content });
        break;
      }
      case 'tool': {
        const toolName = toolNames.get(message.tool_call_id);
        if (toolName == null) {
          throw invalid(
            `${param}.tool_call_id`,
            `${param}.tool_call_id "${message.tool_call_id}" does not answer a tool call of an earlier assistant message.`,
          );
        }
        const result = {
          type: 'tool-result' as const,
          toolCallId: message.tool_call_id,
          toolName,
          output: { type: 'text' as const, value: joinText(message.content) },
        };
        // Consecutive tool messages (parallel calls) go into one tool turn, as providers expect.
        const last = prompt.at(-1);
        if (last?.role === 'tool') last.content.push(result);
        else prompt.push({ role: 'tool', content: [result] });
        break;
      }
    }
  }
  return prompt;
}

function joinText(
  content: string | readonly ({ type: 'text'; text: string } | { type: 'refusal'; refusal: string })[],
): string {
  if (typeof content === 'string') return content;
  return content.map((part) => (part.type === 'text' ? part.text : part.refusal)).join('');
}

function toUserContent(
  content: Extract<ChatMessage, { role: 'user' }>['content'],
  param: string,
): Extract<LanguageModelV3Message, { role: 'user' }>['content'] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part, partIndex) => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    const { url } = part.image_url;
    const dataUrl = /^data:(image\/[\w.+-]+);base64,(.*)$/s.exec(url);
    if (dataUrl != null) {
      const [, mediaType, data] = dataUrl;
      if (data == null || data === '' || !/^[A-Za-z0-9+/=\s]+$/.test(data)) {
        throw invalid(`${param}.content[${partIndex}].image_url.url`, 'The data URL does not hold base64 data.');
      }
      return { type: 'file', mediaType: mediaType ?? 'image/png', data };
    }
    return { type: 'file', mediaType: 'image/*', data: new URL(url) };
  });
}

function parseArguments(text: string, param: string): unknown {
  try {
    return JSON.parse(text === '' ? '{}' : text);
  } catch {
    throw invalid(param, `${param} must be a JSON object in a string, as the model produced it.`);
  }
}

/** A 400 whose message names the field; the /v1 error handler reads `param` from it. */
function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}
