import type { AiRequest, MessageContent } from '@pag/contracts';
import type { LanguageModelV3Prompt } from '@pag/providers';

type UserPart = Extract<LanguageModelV3Prompt[number], { role: 'user' }>['content'][number];

/**
 * Turns a note-app request into the provider-neutral prompt: the system prompt (the request's own, else the
 * feature's), then either the one `content` message or the whole conversation. Image parts become file parts
 * (base64 and media type), which every adapter sends in its own shape (`input_image` on the Codex backend).
 */
export function buildPrompt(request: AiRequest, featurePrompt: string | null): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [];
  const system = request.system ?? featurePrompt;
  if (system != null && system.trim() !== '') prompt.push({ role: 'system', content: system });
  const messages = request.messages ?? [{ role: 'user' as const, content: request.content ?? '' }];
  for (const message of messages) {
    // The contract allows parts in user messages only; the others are text.
    const text = typeof message.content === 'string' ? message.content : '';
    if (message.role === 'system') prompt.push({ role: 'system', content: text });
    else if (message.role === 'user') prompt.push({ role: 'user', content: toUserParts(message.content) });
    else prompt.push({ role: 'assistant', content: [{ type: 'text', text }] });
  }
  return prompt;
}

/** Whether the prompt carries an image (then the model must be able to see). */
export function hasImages(prompt: LanguageModelV3Prompt): boolean {
  return prompt.some(
    (message) =>
      message.role === 'user' &&
      message.content.some((part) => part.type === 'file' && part.mediaType.startsWith('image/')),
  );
}

function toUserParts(content: MessageContent): UserPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((part) => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    // The contract admits only `data:image/<png|jpeg|webp|gif>;base64,<data>`.
    const separator = part.image.indexOf(',');
    const mediaType = part.image.slice('data:'.length, part.image.indexOf(';'));
    return { type: 'file', mediaType, data: part.image.slice(separator + 1) };
  });
}
