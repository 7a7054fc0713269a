import { describe, expect, it } from 'vitest';
import { readLastUserText } from './read-last-user-text.ts';

describe('readLastUserText', () => {
  it('should join the text parts of the last user content, thoughts and other parts left out', () => {
    expect(
      readLastUserText([
        { role: 'user', parts: [{ text: 'old' }] },
        { role: 'model', parts: [{ text: 'thinking', thought: true }, { text: 'fine' }] },
        {
          role: 'user',
          parts: [{ text: 'new ' }, { inlineData: { mimeType: 'image/png', data: '' } }, { text: 'one' }],
        },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }] },
      ] as Parameters<typeof readLastUserText>[0]),
    ).toBe('new one');
  });

  it('should count a content without role as the user and answer empty text without one', () => {
    expect(readLastUserText([{ parts: [{ text: 'no role given' }] }])).toBe('no role given');
    expect(readLastUserText([{ role: 'model', parts: [{ text: 'only the model' }] }])).toBe('');
  });
});
