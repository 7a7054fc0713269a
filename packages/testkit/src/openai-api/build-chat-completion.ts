import type { OpenAiTurn } from './plan-openai-turn.ts';
import { toChatCompletionUsage } from './to-chat-completion-usage.ts';

/** The non-streaming `chat.completion` for the same turn the chunks stream. */
export function buildChatCompletion(turn: OpenAiTurn): Record<string, unknown> {
  const hasToolCalls = turn.toolCalls.length > 0;
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: turn.text === '' && hasToolCalls ? null : turn.text,
    refusal: null,
    annotations: [],
  };
  if (turn.reasoning !== '') message.reasoning_content = turn.reasoning;
  if (hasToolCalls) {
    message.tool_calls = turn.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: `chatcmpl-fake${turn.serial}`,
    object: 'chat.completion',
    created: turn.created,
    model: turn.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: turn.finishReason }],
    usage: toChatCompletionUsage(turn.usage),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}
