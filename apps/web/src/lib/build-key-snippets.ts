/** One way to use a new key, ready to paste. */
export type KeySnippet = { id: 'note-api' | 'openai-sdk' | 'curl'; label: string; intro: string; code: string };

/**
 * The snippets the key-created dialog offers (issue 17: after creating a key, nothing said how to use it): the
 * note-app API, the official OpenAI SDK pointed at the gateway's `/v1`, and curl. `origin` is the address this page
 * was opened at, which is how the user reaches the gateway; `model` one of the user's models, when known.
 */
export function buildKeySnippets(options: { origin: string; secret: string; model: string | null }): KeySnippet[] {
  const origin = options.origin.replace(/\/+$/, '');
  const model = options.model ?? 'chatgpt/gpt-5.5';
  return [
    {
      id: 'note-api',
      label: 'Note app',
      intro: 'The note-app API answers JSON (or streams at /api/ai/stream); a feature picks the prompt.',
      code: [
        `const response = await fetch('${origin}/api/ai/chat', {`,
        `  method: 'POST',`,
        `  headers: { Authorization: 'Bearer ${options.secret}', 'Content-Type': 'application/json' },`,
        `  body: JSON.stringify({ feature: 'summarize', content: 'The note to summarize…' }),`,
        '});',
        'const { content } = await response.json();',
      ].join('\n'),
    },
    {
      id: 'openai-sdk',
      label: 'OpenAI SDK',
      intro: `Any OpenAI client works with the base URL ${origin}/v1 and this key.`,
      code: [
        `import OpenAI from 'openai';`,
        '',
        `const client = new OpenAI({ baseURL: '${origin}/v1', apiKey: '${options.secret}' });`,
        'const completion = await client.chat.completions.create({',
        `  model: '${model}',`,
        `  messages: [{ role: 'user', content: 'Hello!' }],`,
        '});',
        'console.log(completion.choices[0].message.content);',
      ].join('\n'),
    },
    {
      id: 'curl',
      label: 'curl',
      intro: 'From a terminal, through the OpenAI-compatible API.',
      code: [
        `curl ${origin}/v1/chat/completions \\`,
        `  -H "Authorization: Bearer ${options.secret}" \\`,
        `  -H "Content-Type: application/json" \\`,
        `  -d '{"model": "${model}", "messages": [{"role": "user", "content": "Hello!"}]}'`,
      ].join('\n'),
    },
  ];
}
