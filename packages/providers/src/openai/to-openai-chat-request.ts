import {
  InvalidArgumentError,
  type LanguageModelV3CallOptions,
  type LanguageModelV3FilePart,
  type LanguageModelV3Prompt,
  type LanguageModelV3ToolResultOutput,
  type SharedV3Warning,
  UnsupportedFunctionalityError,
} from '@ai-sdk/provider';
import { z } from 'zod';
import { functionToolsOf } from '../common/function-tools.ts';

/** The provider options a call may give under `openaiCompatible` or the upstream's own name (e.g. `openai`). */
const openAiChatOptionsSchema = z.looseObject({
  /** Sent as `user`: the end user, for the upstream's abuse monitoring. */
  user: z.string().optional(),
  /** Sent as `reasoning_effort`; null sends an explicit null. */
  reasoningEffort: z.string().nullish(),
  /** Sent as `verbosity`. */
  textVerbosity: z.string().optional(),
  /** Whether a JSON-schema response format is strict (constrained decoding); true when not given. */
  strictJsonSchema: z.boolean().optional(),
});
type OpenAiChatOptions = z.infer<typeof openAiChatOptionsSchema>;

type ChatContentPart =
  | { type: 'text'; text: string }
  | { type: 'image_url'; image_url: { url: string } }
  | { type: 'input_audio'; input_audio: { data: string; format: 'wav' | 'mp3' } }
  | { type: 'file'; file: { filename: string; file_data: string } };

type ChatToolCall = { id: string; type: 'function'; function: { name: string; arguments: string } };

type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: ChatToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

/**
 * A model call as a Chat Completions streaming request (docs/openai-compatible-protocol.md): the one home of that
 * body for calls made through the chat model (`/api/ai/*`, `/v1/messages`, `/v1/responses` on an API key). Written
 * from the protocol, as the Codex request is; the relay's body (`toOpenAiCompatibleChatBody`) follows the same rules
 * for what both send: `system` (not `developer`) for instructions, no `reasoning_content` replayed on assistant
 * turns, usage asked for on every stream. Settings the protocol lacks (`topK`) and provider tools come back as
 * warnings; content the protocol cannot carry (a PDF by URL, a video) is an `UnsupportedFunctionalityError`, which
 * callers report as the client's 400.
 */
export function toOpenAiChatRequest(
  options: LanguageModelV3CallOptions,
  settings: { modelId: string; providerName: string },
): { body: Record<string, unknown>; warnings: SharedV3Warning[] } {
  const warnings: SharedV3Warning[] = [];
  const providerOptions = readProviderOptions(options.providerOptions, settings.providerName);
  if (options.topK != null) warnings.push({ type: 'unsupported', feature: 'topK' });

  const body: Record<string, unknown> = { model: settings.modelId, messages: toChatMessages(options.prompt) };
  const { functions, warnings: toolWarnings } = functionToolsOf(options.tools);
  warnings.push(...toolWarnings);
  const tools = functions.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description != null ? { description: tool.description } : {}),
      parameters: tool.inputSchema,
      ...(tool.strict != null ? { strict: tool.strict } : {}),
    },
  }));
  // A tool choice without tools would be refused upstream ("tool_choice is only allowed when tools are specified").
  if (tools.length > 0) {
    body.tools = tools;
    const choice = options.toolChoice;
    if (choice != null) {
      body.tool_choice =
        choice.type === 'tool' ? { type: 'function', function: { name: choice.toolName } } : choice.type;
    }
  }
  const format = options.responseFormat;
  if (format?.type === 'json') {
    body.response_format =
      format.schema != null
        ? {
            type: 'json_schema',
            json_schema: {
              name: format.name ?? 'response',
              ...(format.description != null ? { description: format.description } : {}),
              schema: format.schema,
              strict: providerOptions.strictJsonSchema ?? true,
            },
          }
        : { type: 'json_object' };
  }
  setIfGiven(body, 'max_tokens', options.maxOutputTokens);
  setIfGiven(body, 'temperature', options.temperature);
  setIfGiven(body, 'top_p', options.topP);
  setIfGiven(body, 'frequency_penalty', options.frequencyPenalty);
  setIfGiven(body, 'presence_penalty', options.presencePenalty);
  setIfGiven(body, 'seed', options.seed);
  if (options.stopSequences != null && options.stopSequences.length > 0) body.stop = options.stopSequences;
  setIfGiven(body, 'user', providerOptions.user);
  if (providerOptions.reasoningEffort !== undefined) body.reasoning_effort = providerOptions.reasoningEffort;
  setIfGiven(body, 'verbosity', providerOptions.textVerbosity);
  body.stream = true;
  body.stream_options = { include_usage: true };
  return { body, warnings };
}

function setIfGiven(body: Record<string, unknown>, field: string, value: unknown): void {
  if (value != null) body[field] = value;
}

/** `openaiCompatible` first, then the upstream's own name on top (`openai` for the gateway's API-key upstream). */
function readProviderOptions(
  providerOptions: LanguageModelV3CallOptions['providerOptions'],
  providerName: string,
): OpenAiChatOptions {
  const merged: OpenAiChatOptions = {};
  for (const key of new Set(['openaiCompatible', providerName])) {
    const value = providerOptions?.[key];
    if (value == null) continue;
    const parsed = openAiChatOptionsSchema.safeParse(value);
    if (!parsed.success) {
      throw new InvalidArgumentError({
        argument: `providerOptions.${key}`,
        message: `"providerOptions.${key}" is invalid: ${parsed.error.message}`,
      });
    }
    Object.assign(merged, parsed.data);
  }
  return merged;
}

function toChatMessages(prompt: LanguageModelV3Prompt): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const message of prompt) {
    switch (message.role) {
      case 'system':
        messages.push({ role: 'system', content: message.content });
        break;
      case 'user': {
        const [only] = message.content;
        // A lone text part goes as a plain string, the form every compatible server takes.
        if (message.content.length === 1 && only?.type === 'text') {
          messages.push({ role: 'user', content: only.text });
          break;
        }
        messages.push({
          role: 'user',
          content: message.content.map((part) =>
            part.type === 'text' ? { type: 'text', text: part.text } : toContentPart(part),
          ),
        });
        break;
      }
      case 'assistant': {
        let text = '';
        const toolCalls: ChatToolCall[] = [];
        for (const part of message.content) {
          if (part.type === 'text') text += part.text;
          else if (part.type === 'tool-call') {
            toolCalls.push({
              id: part.toolCallId,
              type: 'function',
              function: { name: part.toolName, arguments: toArgumentsText(part.input) },
            });
          }
          // Reasoning is not replayed (see the function's comment); files and tool results have no assistant form.
        }
        messages.push(
          toolCalls.length > 0
            ? { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls }
            : { role: 'assistant', content: text },
        );
        break;
      }
      case 'tool':
        for (const part of message.content) {
          if (part.type !== 'tool-result') continue; // an approval answer has no Chat Completions form
          messages.push({ role: 'tool', tool_call_id: part.toolCallId, content: toToolContent(part.output) });
        }
        break;
    }
  }
  return messages;
}

function toContentPart(part: LanguageModelV3FilePart): ChatContentPart {
  const { mediaType, data } = part;
  if (mediaType.startsWith('image/')) {
    return { type: 'image_url', image_url: { url: toUrl(data, mediaType === 'image/*' ? 'image/jpeg' : mediaType) } };
  }
  if (mediaType.startsWith('text/')) {
    const text =
      data instanceof URL
        ? data.href
        : (typeof data === 'string' ? Buffer.from(data, 'base64') : bytesOf(data)).toString('utf8');
    return { type: 'text', text };
  }
  if (data instanceof URL) {
    throw new UnsupportedFunctionalityError({ functionality: `${mediaType} file parts by URL` });
  }
  if (mediaType === 'application/pdf') {
    return {
      type: 'file',
      file: { filename: part.filename ?? 'document.pdf', file_data: toUrl(data, mediaType) },
    };
  }
  const audioFormat = AUDIO_FORMATS[mediaType];
  if (audioFormat != null) return { type: 'input_audio', input_audio: { data: toBase64(data), format: audioFormat } };
  throw new UnsupportedFunctionalityError({ functionality: `file parts of type ${mediaType}` });
}

/** The audio types Chat Completions' `input_audio` names. */
const AUDIO_FORMATS: Record<string, 'wav' | 'mp3'> = { 'audio/wav': 'wav', 'audio/mp3': 'mp3', 'audio/mpeg': 'mp3' };

function bytesOf(data: Uint8Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

/** Node's own encoder (the provider-utils helper is a 100 KB module for one line). */
function toBase64(data: string | Uint8Array): string {
  return typeof data === 'string' ? data : bytesOf(data).toString('base64');
}

function toUrl(data: LanguageModelV3FilePart['data'], mediaType: string): string {
  return data instanceof URL ? data.href : `data:${mediaType};base64,${toBase64(data)}`;
}

/** Tool-call arguments are JSON text on the wire: text that already is JSON goes as it is. */
function toArgumentsText(input: unknown): string {
  if (typeof input === 'string') {
    try {
      JSON.parse(input);
      return input;
    } catch {
      return JSON.stringify(input);
    }
  }
  return JSON.stringify(input ?? {});
}

function toToolContent(output: LanguageModelV3ToolResultOutput): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'execution-denied':
      return output.reason ?? 'Tool call execution denied.';
    default:
      return JSON.stringify(output.value);
  }
}
