import type { AiStreamEvent, ProviderName } from '@pag/contracts';
import type { LanguageModelV3StreamPart } from '@pag/providers';
import { toAiUsage } from './to-ai-usage.ts';

export type ErrorDescription = { code: string; message: string; retryAfter: number | null };

/**
 * Provider stream parts → the note-app SSE events: text as `delta`, reasoning as `reasoning`, one `done` with
 * usage, or an `error` event for a failure after output started (then nothing more). Tool parts do not exist
 * for note apps and are skipped.
 */
export async function* toNoteAppEvents(
  parts: AsyncIterable<LanguageModelV3StreamPart>,
  options: { provider: ProviderName; model: string; describeError: (error: unknown) => ErrorDescription },
): AsyncGenerator<AiStreamEvent> {
  for await (const part of parts) {
    switch (part.type) {
      case 'text-delta':
        if (part.delta !== '') yield { type: 'delta', text: part.delta };
        break;
      case 'reasoning-delta':
        if (part.delta !== '') yield { type: 'reasoning', text: part.delta };
        break;
      case 'error':
        yield { type: 'error', ...options.describeError(part.error) };
        return;
      case 'finish':
        yield {
          type: 'done',
          model: options.model,
          provider: options.provider,
          usage: toAiUsage(part.usage),
          finishReason: part.finishReason.unified,
        };
        return;
      default:
        break;
    }
  }
  yield {
    type: 'error',
    code: 'upstream_error',
    message: 'The upstream ended the answer without finishing it.',
    retryAfter: null,
  };
}
