import { describe, expect, it } from 'vitest';
import { isChatModelId } from './is-chat-model-id.ts';

describe('isChatModelId', () => {
  it.each(['gpt-4.1', 'gpt-4o-mini', 'o4-mini', 'llama3.2:3b', 'anthropic/claude-sonnet-4', 'gpt-4o-search-preview'])(
    'should keep %s',
    (id) => expect(isChatModelId(id)).toBe(true),
  );
  it.each([
    'text-embedding-3-small',
    'nomic-embed-text:latest',
    'whisper-1',
    'tts-1-hd',
    'dall-e-3',
    'gpt-image-1',
    'omni-moderation-latest',
    'gpt-4o-realtime-preview',
    'gpt-4o-transcribe',
    'davinci-002',
  ])('should drop %s', (id) => expect(isChatModelId(id)).toBe(false));
});
