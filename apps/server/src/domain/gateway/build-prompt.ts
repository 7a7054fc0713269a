import type { AiRequest } from '@pag/contracts';
import type { LanguageModelV3Prompt } from '@pag/providers';

/**
 * Turns a note-app request into the provider-neutral prompt: the system prompt (the request's own, else the
 * feature's), then either the one `content` message or the whole conversation.
 */
export function buildPrompt(request: AiRequest, featurePrompt: string | null): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [];
  const system = request.system ?? featurePrompt;
  if (system != null && system.trim() !== '') prompt.push({ role: 'system', content: system });
  const messages = request.messages ?? [{ role: 'user' as const, content: request.content ?? '' }];
  for (const message of messages) {
    if (message.role === 'system') prompt.push({ role: 'system', content: message.content });
    else if (message.role === 'user') prompt.push({ role: 'user', content: [{ type: 'text', text: message.content }] });
    else prompt.push({ role: 'assistant', content: [{ type: 'text', text: message.content }] });
  }
  return prompt;
}
