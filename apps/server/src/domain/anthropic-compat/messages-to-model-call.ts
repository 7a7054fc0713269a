import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3ToolChoice,
} from '@pag/providers';
import { GatewayError } from '../gateway-error.ts';
import type { AnthropicMessage, CountTokensRequest, MessagesRequest } from './messages-request.ts';
import { openThinkingSignature } from './thinking-signature.ts';

type ModelCall = Omit<LanguageModelV3CallOptions, 'abortSignal'>;
type JsonSchema = LanguageModelV3FunctionTool['inputSchema'];
type UserContent = Extract<LanguageModelV3Message, { role: 'user' }>['content'];
type AssistantContent = Extract<LanguageModelV3Message, { role: 'assistant' }>['content'];
type ToolResultPart = Extract<LanguageModelV3Message, { role: 'tool' }>['content'][number];
type ToolResultOutput = ToolResultPart extends infer Part
  ? Part extends { type: 'tool-result'; output: infer O }
    ? O
    : never
  : never;
type ImageBlock = Extract<Extract<AnthropicMessage, { role: 'user' }>['content'][number], { type: 'image' }>;

/** A Messages request as a model call: the call, the reasoning effort, and whether thinking blocks are wanted back. */
export type MessagesModelCall = { call: ModelCall; reasoningEffort: string | undefined; isThinking: boolean };

/**
 * An Anthropic Messages request as a provider-neutral model call (docs/anthropic-protocol.md §2). The checks zod
 * cannot express live here: every `tool_result` answers a `tool_use` of the assistant turn before it, a forced tool
 * exists. Each failure is a 400 naming the field to fix. `thinking.budget_tokens` becomes a reasoning effort, since
 * the gateway's providers take an effort, not a budget (§2.4).
 */
export function messagesToModelCall(request: MessagesRequest | CountTokensRequest): MessagesModelCall {
  const tools = (request.tools ?? []).map(
    (tool): LanguageModelV3FunctionTool => ({
      type: 'function',
      name: tool.name,
      ...(tool.description == null ? {} : { description: tool.description }),
      inputSchema: tool.input_schema as JsonSchema,
    }),
  );
  const call: ModelCall = { prompt: toPrompt(request) };
  if (tools.length > 0) call.tools = tools;
  const toolChoice = toToolChoice(request, tools);
  if (toolChoice != null) call.toolChoice = toolChoice;
  // A count_tokens request has no generation settings.
  if ('max_tokens' in request) {
    const generation = request as MessagesRequest;
    call.maxOutputTokens = generation.max_tokens;
    if (generation.temperature != null) call.temperature = generation.temperature;
    if (generation.top_p != null) call.topP = generation.top_p;
    if (generation.top_k != null) call.topK = generation.top_k;
    if (generation.stop_sequences != null && generation.stop_sequences.length > 0) {
      call.stopSequences = generation.stop_sequences;
    }
  }
  const thinking = request.thinking;
  const isThinking = thinking != null && thinking.type !== 'disabled';
  return { call, reasoningEffort: effortOf(thinking), isThinking };
}

/**
 * The effort for a thinking budget. Anthropic's minimum budget is 1024 tokens; the bands follow what the providers'
 * efforts spend in practice (docs/anthropic-protocol.md §2.4). Adaptive or disabled thinking (or none) leaves the
 * model its default effort: not every model takes the lowest ones, and a refused effort would fail the request.
 */
function effortOf(thinking: MessagesRequest['thinking']): string | undefined {
  if (thinking == null || thinking.type !== 'enabled') return undefined;
  if (thinking.budget_tokens < 4096) return 'low';
  if (thinking.budget_tokens < 16_384) return 'medium';
  return 'high';
}

function toToolChoice(
  request: MessagesRequest | CountTokensRequest,
  tools: readonly LanguageModelV3FunctionTool[],
): LanguageModelV3ToolChoice | undefined {
  const choice = request.tool_choice;
  if (choice == null) return undefined;
  if (choice.type === 'none' || choice.type === 'auto') return { type: choice.type };
  if (tools.length === 0) {
    throw invalid('tool_choice', `tool_choice "${choice.type}" needs at least one tool in "tools".`);
  }
  if (choice.type === 'any') return { type: 'required' };
  if (!tools.some((tool) => tool.name === choice.name)) {
    throw invalid('tool_choice.name', `tool_choice names "${choice.name}", which is not one of "tools".`);
  }
  return { type: 'tool', toolName: choice.name };
}

function toPrompt(request: MessagesRequest | CountTokensRequest): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [];
  const system = typeof request.system === 'string' ? request.system : request.system?.map((block) => block.text);
  // System messages among the turns (Claude Code's environment) join the system prompt, in order: every provider
  // takes instructions first, and their place among the turns carries no meaning the model could use.
  const inTurns = request.messages.flatMap((message) =>
    message.role === 'system' ? message.content.map((block) => block.text) : [],
  );
  for (const text of [system ?? [], inTurns].flat()) if (text !== '') prompt.push({ role: 'system', content: text });
  // A tool_result must answer a tool_use of the assistant turn just before it; the prompt also needs its name.
  let openCalls = new Map<string, string>();
  for (const [index, message] of request.messages.entries()) {
    const param = `messages.${index}.content`;
    if (message.role === 'system') continue;
    if (message.role === 'assistant') {
      const content = toAssistantContent(message, param);
      openCalls = new Map();
      for (const part of content) if (part.type === 'tool-call') openCalls.set(part.toolCallId, part.toolName);
      if (content.length > 0) prompt.push({ role: 'assistant', content });
      continue;
    }
    const results: ToolResultPart[] = [];
    const userContent: UserContent = [];
    for (const [blockIndex, block] of message.content.entries()) {
      if (block.type === 'text') userContent.push({ type: 'text', text: block.text });
      else if (block.type === 'image') userContent.push(toFilePart(block));
      else {
        const toolName = openCalls.get(block.tool_use_id);
        if (toolName == null) {
          throw invalid(
            `${param}.${blockIndex}.tool_use_id`,
            `${param}.${blockIndex}.tool_use_id "${block.tool_use_id}" does not answer a tool_use block of the assistant message before it.`,
          );
        }
        results.push({
          type: 'tool-result',
          toolCallId: block.tool_use_id,
          toolName,
          output: toToolOutput(block.content, block.is_error === true),
        });
      }
    }
    openCalls = new Map();
    // Tool results go first, in a tool turn of their own, as every provider expects; text beside them follows.
    if (results.length > 0) prompt.push({ role: 'tool', content: results });
    if (userContent.length > 0) prompt.push({ role: 'user', content: userContent });
  }
  return prompt;
}

function toAssistantContent(
  message: Extract<AnthropicMessage, { role: 'assistant' }>,
  param: string,
): AssistantContent {
  const content: AssistantContent = [];
  for (const block of message.content) {
    switch (block.type) {
      case 'text':
        if (block.text !== '') content.push({ type: 'text', text: block.text });
        break;
      case 'tool_use':
        content.push({ type: 'tool-call', toolCallId: block.id, toolName: block.name, input: block.input });
        break;
      case 'thinking': {
        // The signature carries the provider's own record of the reasoning (thinking-signature.ts).
        const providerOptions = openThinkingSignature(block.signature);
        content.push({
          type: 'reasoning',
          text: block.thinking,
          ...(providerOptions == null ? {} : { providerOptions }),
        });
        break;
      }
      case 'redacted_thinking':
        // Only Anthropic can read redacted thinking; no provider of ours wrote it.
        break;
    }
  }
  if (content.length === 0 && message.content.length > 0 && message.content.every((b) => b.type === 'text')) {
    throw invalid(param, `${param}: the assistant's text blocks are all empty.`);
  }
  return content;
}

function toFilePart(block: ImageBlock): Extract<UserContent[number], { type: 'file' }> {
  if (block.source.type === 'base64') {
    return { type: 'file', mediaType: block.source.media_type, data: block.source.data.replace(/\s/g, '') };
  }
  return { type: 'file', mediaType: 'image/*', data: new URL(block.source.url) };
}

function toToolOutput(
  content: Extract<AnthropicMessage['content'][number], { type: 'tool_result' }>['content'],
  isError: boolean,
): ToolResultOutput {
  if (content == null || typeof content === 'string') {
    return { type: isError ? 'error-text' : 'text', value: content ?? '' };
  }
  if (isError || content.every((block) => block.type === 'text')) {
    const value = content.map((block) => (block.type === 'text' ? block.text : '')).join('\n');
    return { type: isError ? 'error-text' : 'text', value };
  }
  return {
    type: 'content',
    value: content.map((block) => {
      if (block.type === 'text') return { type: 'text' as const, text: block.text };
      if (block.source.type === 'base64') {
        return { type: 'file-data' as const, data: block.source.data, mediaType: block.source.media_type };
      }
      return { type: 'image-url' as const, url: block.source.url };
    }),
  };
}

/** A 400 whose message names the field. */
function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}
