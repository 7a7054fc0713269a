import { createHash } from 'node:crypto';
import type { LanguageModelV3Prompt } from '@pag/providers';
import { describe, expect, it } from 'vitest';
import { deriveConversationId } from './derive-conversation-id.ts';

// Issue 22: the id is hashed in one shot now. A conversation that began before must keep its id (the upstream's
// prompt cache is keyed by it), so these hold it to the digest of a hash object fed the same parts in turn.

const prompt: LanguageModelV3Prompt = [
  { role: 'system', content: 'You are terse. — «Ünïcode» 🙂' },
  { role: 'user', content: [{ type: 'text', text: 'First question' }] },
  { role: 'assistant', content: [{ type: 'text', text: 'An answer' }] },
  { role: 'user', content: [{ type: 'text', text: 'Second question' }] },
];

/** The id as the hash-object version derived it. */
function previousId(parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  const hex = hash.digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

describe('issue 22: deriveConversationId', () => {
  it('issue 22: derives from the user, the system prompt and the first user message the id it always did', () => {
    const firstUser = JSON.stringify(prompt[1]?.content);
    expect(deriveConversationId({ userId: 'usr_1', prompt })).toBe(
      previousId(['usr_1', '\0system\0You are terse. — «Ünïcode» 🙂', `\0user\0${firstUser}`]),
    );
  });

  it("issue 22: derives from the client's own conversation id the id it always did", () => {
    expect(deriveConversationId({ userId: 'usr_1', prompt, clientConversationId: 'chat-42' })).toBe(
      previousId(['usr_1', '\0client\0chat-42']),
    );
  });

  it('issue 22: keeps one id as the history grows, and gives two users two ids', () => {
    const first = deriveConversationId({ userId: 'usr_1', prompt: prompt.slice(0, 2) });
    expect(deriveConversationId({ userId: 'usr_1', prompt })).toBe(first);
    expect(deriveConversationId({ userId: 'usr_2', prompt })).not.toBe(first);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
