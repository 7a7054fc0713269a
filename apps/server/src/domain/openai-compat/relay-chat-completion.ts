import type { ReasoningOutput } from '@pag/contracts';
import { toOpenAiProviderError, UpstreamProtocolError } from '@pag/providers';
import type { ChatCompletionUsage } from './chat-completion-shapes.ts';
import { readRelayedUsage } from './relayed-usage.ts';
import { takeReasoning } from './take-reasoning.ts';
import { THINK_CLOSE, THINK_OPEN } from './to-chat-completion-chunks.ts';

/**
 * A relayed (non-stream) `chat.completion` as the client gets it: the upstream's answer with the gateway's model
 * name and the reasoning shown as the key says. The upstream's own fields (id, usage details, logprobs,
 * system_fingerprint) pass unchanged. A 200 that carries an `error` object is that error, typed.
 */
export function relayChatCompletion(
  answer: unknown,
  options: { model: string; reasoningOutput: ReasoningOutput; url: string },
): { completion: Record<string, unknown>; usage: ChatCompletionUsage | null } {
  if (typeof answer !== 'object' || answer == null || Array.isArray(answer)) {
    throw protocolError('The upstream answered 200 with JSON that is not a chat completion.', options.url, answer);
  }
  const completion = answer as Record<string, unknown>;
  if (completion.error != null) throw toOpenAiProviderError(completion.error, { url: options.url });
  if (!Array.isArray(completion.choices)) {
    throw protocolError('The upstream answered 200 with a chat completion without choices.', options.url, answer);
  }
  completion.model = options.model;
  for (const choice of completion.choices as unknown[]) {
    const message = (choice as { message?: unknown } | null)?.message;
    if (typeof message === 'object' && message != null) {
      showReasoning(message as Record<string, unknown>, options.reasoningOutput);
    }
  }
  return { completion, usage: readRelayedUsage(completion.usage) };
}

function showReasoning(message: Record<string, unknown>, reasoningOutput: ReasoningOutput): void {
  const reasoning = takeReasoning(message);
  if (reasoning === '' || reasoningOutput === 'hidden') return;
  if (reasoningOutput === 'field') {
    message.reasoning_content = reasoning;
    return;
  }
  const content = typeof message.content === 'string' ? message.content : '';
  message.content = `${THINK_OPEN}${reasoning}${THINK_CLOSE}${content}`;
}

function protocolError(message: string, url: string, cause: unknown): UpstreamProtocolError {
  return new UpstreamProtocolError({ message, url, cause });
}
