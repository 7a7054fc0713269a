import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamResult,
  SharedV3Warning,
} from '@ai-sdk/provider';
import { generateFromStream } from '../common/generate-from-stream.ts';
import {
  CODEX_PROVIDER_KEY,
  type CodexChatModelSettings,
  type CodexProviderOptions,
  codexProviderOptionsSchema,
} from './codex-options.ts';
import { toCodexRequestBody } from './codex-request-rules.ts';
import { CodexStreamState } from './codex-stream-state.ts';
import { convertToCodexInput } from './convert-to-codex-input.ts';
import { prepareCodexTools } from './prepare-codex-tools.ts';
import { sendCodexRequest } from './send-codex-request.ts';
import { startCodexPartStream } from './start-codex-part-stream.ts';

/**
 * Call options that are request fields, under their OpenAI wire names (Chat Completions' for the ones the Responses
 * API lacks). They go through the request rules like every other field, so a call sends exactly what a relayed
 * request would; the backend takes none of them today (docs/codex-protocol.md §5.3), so each is dropped and
 * reported as a warning under the call option's own name.
 */
const CALL_OPTION_FIELDS = {
  maxOutputTokens: 'max_output_tokens',
  temperature: 'temperature',
  topP: 'top_p',
  topK: 'top_k',
  presencePenalty: 'presence_penalty',
  frequencyPenalty: 'frequency_penalty',
  seed: 'seed',
  stopSequences: 'stop',
} as const satisfies Partial<Record<keyof LanguageModelV3CallOptions, string>>;

/**
 * A `LanguageModelV3` over the ChatGPT-subscription Codex backend (`POST {baseUrl}/codex/responses`).
 * @see docs/codex-protocol.md §5–§7, §10
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
    });
    return {
      stream,
      request: { body },
      response: { headers: { ...response.headers } },
    };
  }

  /** The backend only streams (`stream:false` is a 400), so this aggregates the stream. */
  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    return generateFromStream(await this.doStream(options));
  }

  #getArgs(options: LanguageModelV3CallOptions) {
    const codexOptions = parseCodexProviderOptions(options.providerOptions?.[CODEX_PROVIDER_KEY]);
    const systemMessageMode = codexOptions.systemMessageMode ?? this.#settings.systemMessageMode ?? 'developer';
    const converted = convertToCodexInput({ prompt: options.prompt, systemMessageMode });
    const prepared = prepareCodexTools({ tools: options.tools, toolChoice: options.toolChoice });
    const reasoning =
      codexOptions.reasoningEffort != null || codexOptions.reasoningSummary != null
        ? {
            ...(codexOptions.reasoningEffort != null ? { effort: codexOptions.reasoningEffort } : {}),
            summary: codexOptions.reasoningSummary ?? 'auto',
          }
        : undefined;

    // The call as a Responses request; the rules shared with the `/v1/responses` relay make it the backend's.
    const request: Record<string, unknown> = {
      instructions: converted.instructions,
      input: converted.input,
      tools: prepared.tools,
      tool_choice: prepared.toolChoice,
      parallel_tool_calls: codexOptions.parallelToolCalls ?? true,
      reasoning,
      text: buildTextOptions(options.responseFormat, codexOptions),
    };
    for (const [setting, field] of Object.entries(CALL_OPTION_FIELDS)) {
      request[field] = options[setting as keyof typeof CALL_OPTION_FIELDS];
    }
    const { body, dropped, toolNames } = toCodexRequestBody(request, {
      model: this.modelId,
      conversationId: this.#settings.conversationId,
      defaultInstructions: this.#settings.defaultInstructions,
    });

    const warnings: SharedV3Warning[] = dropped.map((field) => ({
      type: 'unsupported',
      feature: settingOf(field),
      details: 'The Codex backend does not accept it; not sent.',
    }));
    warnings.push(...converted.warnings, ...prepared.warnings);
    return { body, warnings, toolNames };
  }
}

/** The call option behind a dropped field, so a warning speaks the caller's words. */
function settingOf(field: string): string {
  const entry = Object.entries(CALL_OPTION_FIELDS).find(([, wireName]) => wireName === field);
  return entry?.[0] ?? field;
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
            strict: codexOptions.strictJsonSchema ?? true,
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
