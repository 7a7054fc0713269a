import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamResult,
  SharedV3Warning,
} from '@ai-sdk/provider';
import { aggregateStream } from '../shared/aggregate-stream.ts';
import { headersToRecord } from '../shared/headers-to-record.ts';
import {
  CODEX_PROVIDER_KEY,
  type CodexChatModelSettings,
  type CodexProviderOptions,
  codexProviderOptionsSchema,
  DEFAULT_CODEX_INSTRUCTIONS,
} from './codex-options.ts';
import { CodexStreamState } from './codex-stream-state.ts';
import { convertToCodexInput } from './convert-to-codex-input.ts';
import { CodexToolNames, prepareCodexTools } from './prepare-codex-tools.ts';
import { sendCodexRequest } from './send-codex-request.ts';
import { startCodexPartStream } from './start-codex-part-stream.ts';

/** Codex's own idle limit for an SSE stream. */
const DEFAULT_STREAM_IDLE_TIMEOUT_MS = 300_000;

/** Call options the backend rejects (`max_output_tokens`) or that proxies strip; never sent, reported as warnings. */
const UNSUPPORTED_SETTINGS = [
  'maxOutputTokens',
  'temperature',
  'topP',
  'topK',
  'presencePenalty',
  'frequencyPenalty',
  'seed',
  'stopSequences',
] as const satisfies ReadonlyArray<keyof LanguageModelV3CallOptions>;

/**
 * A `LanguageModelV3` over the ChatGPT-subscription Codex backend (`POST {baseUrl}/codex/responses`).
 * @see shared/reference/codex-protocol.md §5–§7, §10
 */
export function createCodexChatModel(settings: CodexChatModelSettings): LanguageModelV3 {
  return new CodexChatModel(settings);
}

class CodexChatModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = CODEX_PROVIDER_KEY;
  readonly modelId: string;
  // https images are passed to the backend by URL instead of being downloaded first.
  readonly supportedUrls = { 'image/*': [/^https?:\/\/.*$/] };
  readonly #settings: CodexChatModelSettings;

  constructor(settings: CodexChatModelSettings) {
    this.#settings = settings;
    this.modelId = settings.modelId;
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const { body, warnings, toolNames } = this.#getArgs(options);
    const url = `${this.#settings.baseUrl.replace(/\/+$/, '')}/codex/responses`;
    const { response, rateLimits } = await sendCodexRequest({
      settings: this.#settings,
      url,
      body,
      headers: options.headers,
      abortSignal: options.abortSignal,
    });
    const stream = await startCodexPartStream({
      body: response.body,
      url,
      state: new CodexStreamState({ url, toolNames, rateLimits }),
      warnings,
      includeRawChunks: options.includeRawChunks === true,
      abortSignal: options.abortSignal,
      idleTimeoutMs: this.#settings.streamIdleTimeoutMs ?? DEFAULT_STREAM_IDLE_TIMEOUT_MS,
    });
    return {
      stream,
      request: { body },
      response: { headers: headersToRecord(response.headers) },
    };
  }

  /** The backend only streams (`stream:false` is a 400), so this aggregates the stream. */
  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const { stream, request, response } = await this.doStream(options);
    const result = await aggregateStream(stream);
    if (result.errors.length > 0) throw result.errors[0];
    return {
      content: result.content,
      finishReason: result.finishReason,
      usage: result.usage,
      warnings: result.warnings,
      ...(result.providerMetadata != null ? { providerMetadata: result.providerMetadata } : {}),
      request,
      response: { ...result.response, ...(response?.headers != null ? { headers: response.headers } : {}) },
    };
  }

  #getArgs(options: LanguageModelV3CallOptions) {
    const warnings: SharedV3Warning[] = [];
    for (const setting of UNSUPPORTED_SETTINGS) {
      if (options[setting] != null) {
        warnings.push({
          type: 'unsupported',
          feature: setting,
          details: 'The Codex backend does not accept it; not sent.',
        });
      }
    }
    const codexOptions = parseCodexProviderOptions(options.providerOptions?.[CODEX_PROVIDER_KEY]);

    const systemMessageMode = codexOptions.systemMessageMode ?? this.#settings.systemMessageMode ?? 'developer';
    const converted = convertToCodexInput({ prompt: options.prompt, systemMessageMode });
    warnings.push(...converted.warnings);
    const hasSystemMessage = options.prompt.some((message) => message.role === 'system');
    const instructions = hasSystemMessage
      ? converted.instructions
      : (this.#settings.defaultInstructions ?? DEFAULT_CODEX_INSTRUCTIONS);
    const prepared = prepareCodexTools({ tools: options.tools, toolChoice: options.toolChoice });
    warnings.push(...prepared.warnings);

    const historyToolNames = options.prompt.flatMap((message) =>
      message.role === 'assistant'
        ? message.content.flatMap((part) => (part.type === 'tool-call' ? [part.toolName] : []))
        : [],
    );
    const toolNames = new CodexToolNames([...(options.tools ?? []).map((tool) => tool.name), ...historyToolNames]);

    const reasoning =
      codexOptions.reasoningEffort != null || codexOptions.reasoningSummary != null
        ? {
            ...(codexOptions.reasoningEffort != null ? { effort: codexOptions.reasoningEffort } : {}),
            summary: codexOptions.reasoningSummary ?? 'auto',
          }
        : undefined;
    const text = buildTextOptions(options.responseFormat, codexOptions);

    // Key order follows Codex 0.169's request (captures/codex-0.169.0-responses-request.json).
    const body: Record<string, unknown> = {
      model: this.modelId,
      stream: true,
      ...(instructions != null ? { instructions } : {}),
      input: converted.input,
      tools: prepared.tools,
      tool_choice: prepared.toolChoice,
      parallel_tool_calls: codexOptions.parallelToolCalls ?? true,
      ...(reasoning != null ? { reasoning } : {}),
      store: false,
      include: ['reasoning.encrypted_content'],
      prompt_cache_key: this.#settings.conversationId,
      ...(text != null ? { text } : {}),
    };
    return { body, warnings, toolNames };
  }
}

function parseCodexProviderOptions(value: unknown): CodexProviderOptions {
  if (value == null) return {};
  const result = codexProviderOptionsSchema.safeParse(value);
  if (!result.success) {
    throw Object.assign(new TypeError(`"providerOptions.codex" is invalid: ${result.error.message}`), {
      code: 'ERR_INVALID_ARG_VALUE',
    });
  }
  return result.data;
}

function buildTextOptions(
  responseFormat: LanguageModelV3CallOptions['responseFormat'],
  codexOptions: CodexProviderOptions,
): Record<string, unknown> | undefined {
  const format =
    responseFormat?.type === 'json'
      ? responseFormat.schema != null
        ? {
            type: 'json_schema',
            name: responseFormat.name ?? 'output',
            ...(responseFormat.description != null ? { description: responseFormat.description } : {}),
            strict: false,
            schema: responseFormat.schema,
          }
        : { type: 'json_object' }
      : undefined;
  if (format == null && codexOptions.textVerbosity == null) return undefined;
  return {
    ...(codexOptions.textVerbosity != null ? { verbosity: codexOptions.textVerbosity } : {}),
    ...(format != null ? { format } : {}),
  };
}
