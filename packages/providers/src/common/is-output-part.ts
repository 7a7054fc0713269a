import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';

/**
 * True for parts that carry model output. Before the first of these, an error is still thrown (so the caller can
 * pick the HTTP status or fail over); after it, errors travel as `error` parts.
 */
export function isOutputPart(part: LanguageModelV3StreamPart): boolean {
  switch (part.type) {
    case 'stream-start':
    case 'response-metadata':
    case 'raw':
    case 'error':
    case 'finish':
      return false;
    default:
      return true;
  }
}
