import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
} from '@pag/providers';
import { GatewayError } from '../gateway-error.ts';
import { jsonSchemaStrictness } from './json-schema-strictness.ts';
import type { ResponsesRequest } from './responses-request.ts';

type ModelCall = Omit<LanguageModelV3CallOptions, 'abortSignal'>;
type JsonSchema = LanguageModelV3FunctionTool['inputSchema'];
type Item = Record<string, unknown>;
type AssistantContent = Extract<LanguageModelV3Message, { role: 'assistant' }>['content'];
type UserContent = Extract<LanguageModelV3Message, { role: 'user' }>['content'];

/**
 * A Responses request as a provider-neutral model call, for providers that do not speak the Responses protocol
 * (OpenAI-compatible servers without it, Gemini). Messages, function calls and their outputs, images, function
 * tools, tool choice, text format, reasoning effort and output limits map; reasoning items cannot be replayed to
 * another provider and are skipped; anything else is a 400 naming the item.
 */
export function responsesToModelCall(request: ResponsesRequest): {
  call: ModelCall;
  reasoningEffort: string | undefined;
} {
  const prompt: LanguageModelV3Prompt = [];
  if (request.instructions != null && request.instructions !== '') {
    prompt.push({ role: 'system', content: request.instructions });
  }
  const items: Item[] =
    typeof request.input === 'string' ? [{ type: 'message', role: 'user', content: request.input }] : request.input;
  const toolNames = new Map<string, string>();
  for (const [index, item] of items.entries()) {
    const param = `input[${index}]`;
    const type = item.type ?? (item.role == null ? undefined : 'message');
    switch (type) {
      case 'message':
        pushMessage(prompt, item, param);
        break;
      case 'function_call': {
        const callId = requireString(item.call_id, `${param}.call_id`);
        const name = requireString(item.name, `${param}.name`);
        toolNames.set(callId, name);
        const part = {
          type: 'tool-call' as const,
          toolCallId: callId,
          toolName: name,
          input: parseJson(item.arguments, `${param}.arguments`),
        };
        const last = prompt.at(-1);
        if (last?.role === 'assistant') last.content.push(part);
        else prompt.push({ role: 'assistant', content: [part] });
        break;
      }
      case 'function_call_output': {
        const callId = requireString(item.call_id, `${param}.call_id`);
        const toolName = toolNames.get(callId);
        if (toolName == null) {
          throw invalid(`${param}.call_id`, `${param}.call_id "${callId}" does not answer an earlier function_call.`);
        }
        const output = typeof item.output === 'string' ? item.output : JSON.stringify(item.output ?? null);
        const result = {
          type: 'tool-result' as const,
          toolCallId: callId,
          toolName,
          output: { type: 'text' as const, value: output },
        };
        const last = prompt.at(-1);
        if (last?.role === 'tool') last.content.push(result);
        else prompt.push({ role: 'tool', content: [result] });
        break;
      }
      case 'reasoning':
        // Encrypted or summarised reasoning of another model: nothing this provider could use.
        break;
      default:
        throw invalid(`${param}.type`, `${param} has type "${String(type)}", which this provider cannot take.`);
    }
  }

  const call: ModelCall = { prompt };
  const tools = (request.tools ?? []).map((tool, index): LanguageModelV3FunctionTool => {
    if (tool.type !== 'function' || typeof tool.name !== 'string') {
      throw invalid(`tools[${index}]`, `tools[${index}]: only function tools work on this provider.`);
    }
    return {
      type: 'function',
      name: tool.name,
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      inputSchema: (tool.parameters as JsonSchema | undefined) ?? { type: 'object', properties: {} },
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
    };
  });
  if (tools.length > 0) call.tools = tools;
  const choice = request.tool_choice as unknown;
  if (choice === 'auto' || choice === 'none' || choice === 'required') call.toolChoice = { type: choice };
  else if (typeof choice === 'object' && choice != null && typeof (choice as Item).name === 'string') {
    call.toolChoice = { type: 'tool', toolName: (choice as Item).name as string };
  }
  const format = (request.text as { format?: Item } | undefined)?.format;
  if (format?.type === 'json_object') call.responseFormat = { type: 'json' };
  if (format?.type === 'json_schema') {
    call.responseFormat = {
      type: 'json',
      ...(typeof format.name === 'string' ? { name: format.name } : {}),
      ...(format.schema == null ? {} : { schema: format.schema as JsonSchema }),
    };
    call.providerOptions = jsonSchemaStrictness(format.strict);
  }
  const limits = request as { max_output_tokens?: unknown; temperature?: unknown; top_p?: unknown };
  if (typeof limits.max_output_tokens === 'number') call.maxOutputTokens = limits.max_output_tokens;
  if (typeof limits.temperature === 'number') call.temperature = limits.temperature;
  if (typeof limits.top_p === 'number') call.topP = limits.top_p;
  const effort = (request.reasoning as { effort?: unknown } | undefined)?.effort;
  return { call, reasoningEffort: typeof effort === 'string' ? effort : undefined };
}

function pushMessage(prompt: LanguageModelV3Prompt, item: Item, param: string): void {
  const role = item.role;
  const content = item.content;
  if (role === 'system' || role === 'developer') {
    prompt.push({ role: 'system', content: textOf(content, param) });
  } else if (role === 'assistant') {
    const text = textOf(content, param);
    const parts: AssistantContent = text === '' ? [] : [{ type: 'text', text }];
    const last = prompt.at(-1);
    if (last?.role === 'assistant') last.content.push(...parts);
    else if (parts.length > 0) prompt.push({ role: 'assistant', content: parts });
  } else if (role === 'user') {
    prompt.push({ role: 'user', content: userContentOf(content, param) });
  } else {
    throw invalid(`${param}.role`, `${param}.role must be user, assistant, system or developer.`);
  }
}

function textOf(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content))
    throw invalid(`${param}.content`, `${param}.content must be a string or a list of parts.`);
  return content
    .map((part: Item, index) => {
      if (typeof part.text === 'string') return part.text;
      if (typeof part.refusal === 'string') return part.refusal;
      throw invalid(`${param}.content[${index}]`, `${param}.content[${index}] must be a text part here.`);
    })
    .join('');
}

function userContentOf(content: unknown, param: string): UserContent {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content))
    throw invalid(`${param}.content`, `${param}.content must be a string or a list of parts.`);
  return content.map((part: Item, index) => {
    if (part.type === 'input_text' && typeof part.text === 'string') return { type: 'text', text: part.text };
    if (part.type === 'input_image' && typeof part.image_url === 'string') {
      const dataUrl = /^data:(image\/[\w.+-]+);base64,(.+)$/s.exec(part.image_url);
      if (dataUrl != null) return { type: 'file', mediaType: dataUrl[1] ?? 'image/png', data: dataUrl[2] ?? '' };
      if (/^https?:\/\//.test(part.image_url))
        return { type: 'file', mediaType: 'image/*', data: new URL(part.image_url) };
    }
    throw invalid(
      `${param}.content[${index}]`,
      `${param}.content[${index}] must be input_text or input_image with an http(s) or data URL.`,
    );
  });
}

function requireString(value: unknown, param: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw invalid(param, `${param} must be a non-empty string.`);
}

function parseJson(value: unknown, param: string): unknown {
  try {
    return JSON.parse(typeof value === 'string' && value !== '' ? value : '{}');
  } catch {
    throw invalid(param, `${param} must be JSON text.`);
  }
}

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}
