import type { ReasoningOutput } from '@pag/contracts';
import type { LanguageModelV3StreamPart } from '@pag/providers';
import { type ChatCompletionUsage, toChatCompletionUsage, toChatFinishReason } from './chat-completion-shapes.ts';
import { THINK_CLOSE, THINK_OPEN } from './to-chat-completion-chunks.ts';

export type ChatCompletion = {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: null;
  choices: {
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: null;
      reasoning_content?: string;
      tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
    };
    finish_reason: string;
    logprobs: null;
  }[];
  usage: ChatCompletionUsage;
};

/**
 * A whole `chat.completion` from the stream (every upstream path streams). A failure after output started is
 * rethrown: nothing was sent yet, so the client gets a proper error status rather than half an answer.
 */
export async function collectChatCompletion(
  parts: AsyncIterable<LanguageModelV3StreamPart>,
  options: { id: string; created: number; model: string; reasoningOutput: ReasoningOutput },
): Promise<ChatCompletion> {
  let content = '';
  let reasoning = '';
  const toolCalls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = [];
  for await (const part of parts) {
    if (part.type === 'text-delta') content += part.delta;
    else if (part.type === 'reasoning-delta') reasoning += part.delta;
    else if (part.type === 'tool-call') {
      toolCalls.push({
        id: part.toolCallId,
        type: 'function',
        function: { name: part.toolName, arguments: part.input },
      });
    } else if (part.type === 'error') throw part.error;
    else if (part.type === 'finish') {
      const isThinkTags = options.reasoningOutput === 'think-tags' && reasoning !== '';
      if (isThinkTags) content = `${THINK_OPEN}${reasoning}${THINK_CLOSE}${content}`;
      const isReasoningField = options.reasoningOutput === 'field' && reasoning !== '';
      return {
        id: options.id,
        object: 'chat.completion',
        created: options.created,
        model: options.model,
        system_fingerprint: null,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: content === '' && toolCalls.length > 0 ? null : content,
              refusal: null,
              ...(isReasoningField ? { reasoning_content: reasoning } : {}),
              ...(toolCalls.length === 0 ? {} : { tool_calls: toolCalls }),
            },
            finish_reason: toChatFinishReason(part.finishReason),
            logprobs: null,
          },
        ],
        usage: toChatCompletionUsage(part.usage),
      };
    }
  }
  throw new Error('The upstream ended the answer without finishing it.');
}
