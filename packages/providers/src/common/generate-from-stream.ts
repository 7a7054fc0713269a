import type { LanguageModelV3GenerateResult, LanguageModelV3StreamResult } from '@ai-sdk/provider';
import { aggregateStream } from './aggregate-stream.ts';

/**
 * `doGenerate` for an adapter that only streams: the started stream collected into the whole answer, its first
 * error thrown. One request builder and one converter serve both calls (the Codex backend refuses `stream:false`;
 * the OpenAI-compatible model streams by choice, see openai-compatible-chat-model.ts).
 */
export async function generateFromStream(started: LanguageModelV3StreamResult): Promise<LanguageModelV3GenerateResult> {
  const { stream, request, response } = started;
  const result = await aggregateStream(stream);
  if (result.errors.length > 0) throw result.errors[0];
  return {
    content: result.content,
    finishReason: result.finishReason,
    usage: result.usage,
    warnings: result.warnings,
    ...(result.providerMetadata != null ? { providerMetadata: result.providerMetadata } : {}),
    ...(request != null ? { request } : {}),
    response: { ...result.response, ...(response?.headers != null ? { headers: response.headers } : {}) },
  };
}
