import type { JSONObject, LanguageModelV3Usage } from '@ai-sdk/provider';

/**
 * Converts Gemini `usageMetadata` to the V3 shape, keeping numbers Google did not send undefined (the AI SDK's own
 * conversion reports them as 0). Output total = candidates + thoughts, as Google counts them.
 */
export function convertGeminiUsage(raw: JSONObject | undefined): LanguageModelV3Usage {
  const read = (key: string) => (typeof raw?.[key] === 'number' ? raw[key] : undefined);
  const prompt = read('promptTokenCount');
  const cached = read('cachedContentTokenCount');
  const candidates = read('candidatesTokenCount');
  const thoughts = read('thoughtsTokenCount');
  return {
    inputTokens: {
      total: prompt,
      noCache: prompt != null ? prompt - (cached ?? 0) : undefined,
      cacheRead: cached,
      cacheWrite: undefined,
    },
    outputTokens: {
      total: candidates != null || thoughts != null ? (candidates ?? 0) + (thoughts ?? 0) : undefined,
      text: candidates,
      reasoning: thoughts,
    },
    ...(raw != null ? { raw } : {}),
  };
}
