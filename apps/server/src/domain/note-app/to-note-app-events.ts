import type { AiStreamEvent, ProviderName } from '@pag/contracts';
import type { LanguageModelV3StreamPart } from '@pag/providers';
import type { OutputValidator } from '../structured-output/compile-output-schema.ts';
import { parseStructuredOutput } from '../structured-output/parse-structured-output.ts';
import { toAiUsage } from './to-ai-usage.ts';

export type ErrorDescription = { code: string; message: string; retryAfter: number | null };

/**
 * Provider stream parts → the note-app SSE events: text as `delta`, reasoning as `reasoning`, one `done` with
 * usage, or an `error` event for a failure after output started (then nothing more). Tool parts do not exist
 * for note apps and are skipped. With an output schema the deltas are the JSON text as it comes, and `done`
 * carries it parsed and validated as `output`; an answer that does not match ends with an `invalid_output` error.
 */
export async function* toNoteAppEvents(
  parts: AsyncIterable<LanguageModelV3StreamPart>,
  options: {
    provider: ProviderName;
    model: string;
    describeError: (error: unknown) => ErrorDescription;
    outputValidator?: OutputValidator | null | undefined;
  },
): AsyncGenerator<AiStreamEvent> {
  const { outputValidator } = options;
  let text = '';
  for await (const part of parts) {
    switch (part.type) {
      case 'text-delta':
        if (outputValidator != null) text += part.delta;
        if (part.delta !== '') yield { type: 'delta', text: part.delta };
        break;
      case 'reasoning-delta':
        if (part.delta !== '') yield { type: 'reasoning', text: part.delta };
        break;
      case 'error':
        yield { type: 'error', ...options.describeError(part.error) };
        return;
      case 'finish': {
        let output: unknown = null;
        try {
          if (outputValidator != null) output = parseStructuredOutput(text, outputValidator);
        } catch (error) {
          yield { type: 'error', ...options.describeError(error) };
          return;
        }
        yield {
          type: 'done',
          model: options.model,
          provider: options.provider,
          usage: toAiUsage(part.usage),
          finishReason: part.finishReason.unified,
          output,
        };
        return;
      }
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
