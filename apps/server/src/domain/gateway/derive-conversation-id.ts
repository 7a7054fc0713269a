import { hash } from 'node:crypto';
import type { LanguageModelV3Prompt } from '@pag/providers';

/**
 * The id that keeps upstream prompt caching working across the turns of one conversation (Codex's `session-id`,
 * `thread-id` and `prompt_cache_key`, docs/codex-protocol.md §5.2). A client may send its own; otherwise it is derived
 * from what every turn of a conversation shares — the user, the system prompt and the first user message — so it
 * is stable as the history grows, and two users never share one. Formatted as a UUID, as the official client's.
 */
export function deriveConversationId(options: {
  userId: string;
  prompt: LanguageModelV3Prompt;
  clientConversationId?: string | undefined;
}): string {
  let hashed: string;
  if (options.clientConversationId != null) {
    hashed = `${options.userId}\0client\0${options.clientConversationId}`;
  } else {
    const system = options.prompt.find((message) => message.role === 'system');
    const firstUser = options.prompt.find((message) => message.role === 'user');
    hashed =
      `${options.userId}\0system\0${system?.role === 'system' ? system.content : ''}` +
      `\0user\0${JSON.stringify(firstUser?.content ?? null)}`;
  }
  // One-shot over the joined text: the digest a hash object fed the parts in turn gave (ids stay what they were),
  // without building the object, a visible part of each subscription request (issue 22 profile).
  const hex = hash('sha256', hashed, 'hex');
  // Version-8 (custom) UUID layout: stable, and recognisably not random.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * `deriveConversationId`, computed on the first call and remembered: only a binding that sends a conversation id
 * (the subscription's) asks, so the other routes skip hashing the prompt on every request (issue 22 profile).
 */
export function lazyConversationId(options: Parameters<typeof deriveConversationId>[0]): () => string {
  let conversationId: string | undefined;
  return () => {
    conversationId ??= deriveConversationId(options);
    return conversationId;
  };
}
