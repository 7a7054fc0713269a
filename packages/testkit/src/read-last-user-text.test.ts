import { describe, expect, it } from 'vitest';
import { readLastUserText } from './read-last-user-text.ts';

describe('readLastUserText', () => {
  it('should read the last user message of Chat Completions messages, string or text parts', () => {
    expect(
      readLastUserText({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: 'second' },
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
      }),
    ).toBe('second');
    expect(
      readLastUserText({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look at ' },
              { type: 'image_url', image_url: { url: 'data:,' } },
              { type: 'text', text: 'this' },
            ],
          },
        ],
      }),
    ).toBe('look at this');
  });

  it('should read a Responses input string or its last user item', () => {
    expect(readLastUserText({ input: 'a bare string' })).toBe('a bare string');
    expect(
      readLastUserText({
        input: [
          { role: 'developer', content: 'Be brief.' },
          { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'older' }] },
          { type: 'message', role: 'user', content: ['new ', 'one'].map((text) => ({ type: 'input_text', text })) },
          { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
          { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        ],
      }),
    ).toBe('new one');
    expect(readLastUserText({ input: [{ role: 'user', content: 'string content' }] })).toBe('string content');
  });

  it('should answer an empty text when there is no user message', () => {
    expect(readLastUserText({ messages: [{ role: 'system', content: 'Be brief.' }] })).toBe('');
    expect(readLastUserText({ previous_response_id: 'resp_1' })).toBe('');
  });
});
