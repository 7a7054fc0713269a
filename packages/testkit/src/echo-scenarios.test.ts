import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from './close-all-fake-servers.ts';
import { codexRequestBody, postResponses, startCodexTestRig } from './codex-backend/codex-backend-test-support.ts';
import { DEFAULT_FAKE_GEMINI_API_KEY, startFakeGeminiApi } from './gemini-api/gemini-api-fake.ts';
import { DEFAULT_FAKE_OPENAI_API_KEY, startFakeOpenAiApi } from './openai-api/openai-api-fake.ts';
import { readSseBody } from './read-sse-body.ts';

// The `echo` scenario of every fake model upstream: each caller gets its own last user message back, also when
// requests overlap, so gateway concurrency tests can prove no answer crossed to another caller.
afterEach(closeAllFakeServers);

describe('echo scenarios', () => {
  it('should echo the last user message of each concurrent Codex request', async () => {
    const rig = await startCodexTestRig({ defaultScenario: 'echo' });
    const ask = async (text: string) => {
      const input = [
        { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Be brief.' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'an earlier question' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'an answer' }] },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
      ];
      const { data } = await readSseBody(await postResponses({ rig, body: codexRequestBody({ input }) }));
      return data
        .filter((event) => event.type === 'response.output_text.delta')
        .map((event) => event.delta)
        .join('');
    };
    expect(await Promise.all([ask('first'), ask('second'), ask('third')])).toEqual([
      'echo: first',
      'echo: second',
      'echo: third',
    ]);
  });

  it('should echo over Chat Completions (streamed and not) and Responses', async () => {
    const fake = await startFakeOpenAiApi({ defaultScenario: 'echo' });
    const headers = { authorization: `Bearer ${DEFAULT_FAKE_OPENAI_API_KEY}`, 'content-type': 'application/json' };
    const chat = (content: unknown, stream: boolean) =>
      fetch(`${fake.baseUrl}/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          model: 'gpt-4.1',
          stream,
          messages: [
            { role: 'user', content: 'earlier' },
            { role: 'assistant', content: 'ok' },
            { role: 'user', content },
          ],
        }),
      });
    const plain = (await (await chat('plain one', false)).json()) as { choices: { message: { content: string } }[] };
    expect(plain.choices[0]?.message.content).toBe('echo: plain one');
    const streamed = await (await chat([{ type: 'text', text: 'streamed one' }], true)).text();
    const deltas = [...streamed.matchAll(/"content":"([^"]*)"/g)].map((match) => match[1]).join('');
    expect(deltas).toBe('echo: streamed one');
    const responses = await fetch(`${fake.baseUrl}/responses`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'gpt-4.1', input: 'a bare string input' }),
    });
    expect(
      ((await responses.json()) as { output_text?: string; output: { content?: { text: string }[] }[] }).output.at(-1)
        ?.content?.[0]?.text,
    ).toBe('echo: a bare string input');
  });

  it('should echo the last user content of a Gemini request', async () => {
    const fake = await startFakeGeminiApi({ defaultScenario: 'echo' });
    const response = await fetch(`${fake.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': DEFAULT_FAKE_GEMINI_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({
        contents: [
          { role: 'user', parts: [{ text: 'old' }] },
          { role: 'model', parts: [{ text: 'fine' }] },
          { role: 'user', parts: [{ text: 'new ' }, { text: 'question' }] },
        ],
      }),
    });
    const body = (await response.json()) as { candidates: { content: { parts: { text: string }[] } }[] };
    expect(body.candidates[0]?.content.parts.map((part) => part.text).join('')).toBe('echo: new question');
  });
});
