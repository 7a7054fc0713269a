import type { AiChatResponse, ProviderName } from '@pag/contracts';
import type { LanguageModelV3StreamPart } from '@pag/providers';
import type { OutputValidator } from '../structured-output/compile-output-schema.ts';
import { parseStructuredOutput } from '../structured-output/parse-structured-output.ts';
import { toAiUsage } from './to-ai-usage.ts';

/**
 * Aggregates a streamed answer for `POST /api/ai/chat` (the ChatGPT backend only streams). An upstream failure
 * after output started is rethrown: nothing has been sent yet, so the client gets a proper error status instead
 * of half an answer. With an output schema the answer is parsed and validated into `output` (`invalid_output` when
 * it does not match).
 */
export async function collectChatResponse(
  parts: AsyncIterable<LanguageModelV3StreamPart>,
  options: { provider: ProviderName; model: string; outputValidator?: OutputValidator | null | undefined },
): Promise<AiChatResponse> {
  let content = '';
  let reasoning = '';
  for await (const part of parts) {
    if (part.type === 'text-delta') content += part.delta;
    else if (part.type === 'reasoning-delta') reasoning += part.delta;
    else if (part.type === 'error') throw part.error;
    else if (part.type === 'finish') {
      return {
        content,
        output: options.outputValidator == null ? null : parseStructuredOutput(content, options.outputValidator),
        reasoning: reasoning === '' ? null : reasoning,
        model: options.model,
        provider: options.provider,
        usage: toAiUsage(part.usage),
        finishReason: part.finishReason.unified,
      };
    }
  }
  throw new Error('the upstream ended the answer without finishing it');
}
