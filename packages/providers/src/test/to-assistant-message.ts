import type { LanguageModelV3Content, LanguageModelV3Message } from '@ai-sdk/provider';

type AssistantPart = Extract<LanguageModelV3Message, { role: 'assistant' }>['content'][number];

/**
 * Turns generated content into the assistant message of the next prompt, the way the AI SDK's `generateText` does:
 * `providerMetadata` becomes `providerOptions` (that is how encrypted reasoning and thought signatures travel back).
 */
export function toAssistantMessage(content: LanguageModelV3Content[]): LanguageModelV3Message {
  return {
    role: 'assistant',
    content: content.flatMap((part): AssistantPart[] => {
      const providerOptions = part.providerMetadata != null ? { providerOptions: part.providerMetadata } : {};
      switch (part.type) {
        case 'text':
          return [{ type: 'text', text: part.text, ...providerOptions }];
        case 'reasoning':
          return [{ type: 'reasoning', text: part.text, ...providerOptions }];
        case 'tool-call':
          return [
            {
              type: 'tool-call',
              toolCallId: part.toolCallId,
              toolName: part.toolName,
              input: JSON.parse(part.input) as unknown,
              ...providerOptions,
            },
          ];
        default:
          return [];
      }
    }),
  };
}
