import type { LanguageModelV3Usage } from '@ai-sdk/provider';

/** Usage when the upstream reported none: every field present, every number undefined. */
export const EMPTY_USAGE: LanguageModelV3Usage = {
  inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: undefined, text: undefined, reasoning: undefined },
};
