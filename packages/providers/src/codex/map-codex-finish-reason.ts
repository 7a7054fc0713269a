import type { LanguageModelV3FinishReason } from '@ai-sdk/provider';

/**
 * Maps the terminal event of a Codex stream to a finish reason. `raw` is the upstream's own word: the response
 * status, or the `incomplete_details.reason` / error code when there is one. An incomplete response ends normally
 * only when the output limit or the content filter cut it (`length`, `content-filter`); any other reason
 * (`interrupted`, …) is a failure — `error` here, and the stream reports it as a typed error
 * (`codexIncompleteToProviderError`) instead of a silent `other` finish (issue 14).
 */
export function mapCodexFinishReason(options: {
  status: 'completed' | 'incomplete' | 'failed';
  incompleteReason?: string | null | undefined;
  errorCode?: string | null | undefined;
  hasToolCalls: boolean;
}): LanguageModelV3FinishReason {
  switch (options.status) {
    case 'completed':
      return { unified: options.hasToolCalls ? 'tool-calls' : 'stop', raw: 'completed' };
    case 'incomplete': {
      const reason = options.incompleteReason ?? undefined;
      if (reason === 'max_output_tokens' || reason === 'max_tokens') return { unified: 'length', raw: reason };
      if (reason === 'content_filter') return { unified: 'content-filter', raw: reason };
      return { unified: 'error', raw: reason ?? 'incomplete' };
    }
    case 'failed':
      return { unified: 'error', raw: options.errorCode ?? 'failed' };
  }
}
