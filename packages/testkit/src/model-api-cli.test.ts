import { describe, expect, it } from 'vitest';
import { DEFAULT_FAKE_GEMINI_API_KEY } from './gemini-api/gemini-api-fake.ts';
import { DEFAULT_FAKE_OPENAI_API_KEY } from './openai-api/openai-api-fake.ts';
import { runCli } from './run-cli.ts';

function capture() {
  let text = '';
  return { output: { write: (chunk: string) => (text += chunk) }, text: () => text };
}

async function serveUntilAborted(argv: string[], use: (url: string) => Promise<void>) {
  const stdout = capture();
  const stderr = capture();
  const controller = new AbortController();
  const exit = runCli({ argv, stdout: stdout.output, stderr: stderr.output, signal: controller.signal });
  await expect.poll(() => stdout.text()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\S*\n$/);
  try {
    await use(stdout.text().trim());
  } finally {
    controller.abort();
  }
  return { code: await exit, stderr: stderr.text() };
}

describe('pag-testkit serve openai-api | gemini-api', () => {
  it('should serve openai-api with queued scenarios, printing the /v1 base URL', async () => {
    const { code, stderr } = await serveUntilAborted(
      ['serve', 'openai-api', '--scenario', 'rate-limit', '--chunk-count', '2'],
      async (baseUrl) => {
        expect(baseUrl).toMatch(/\/v1$/);
        const send = () =>
          fetch(`${baseUrl}/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${DEFAULT_FAKE_OPENAI_API_KEY}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true }),
            signal: AbortSignal.timeout(5000),
          });
        expect((await send()).status).toBe(429);
        expect((await (await send()).text()).match(/"content":"[^"]+"/g)).toHaveLength(2);
      },
    );

    expect(code).toBe(0);
    expect(stderr).toContain(`openai-api fake: http://127.0.0.1:`);
    expect(stderr).toContain(`key ${DEFAULT_FAKE_OPENAI_API_KEY}`);
  });

  it('should serve gemini-api with the keys named by --api-key', async () => {
    const { code } = await serveUntilAborted(
      ['serve', 'gemini-api', '--api-key', 'AIza-one', '--api-key', 'AIza-two'],
      async (url) => {
        const statuses = await Promise.all(
          ['AIza-one', 'AIza-two', DEFAULT_FAKE_GEMINI_API_KEY].map(
            async (key) =>
              (
                await fetch(`${url}/v1beta/models`, {
                  headers: { 'x-goog-api-key': key },
                  signal: AbortSignal.timeout(5000),
                })
              ).status,
          ),
        );
        expect(statuses).toEqual([200, 200, 400]);
      },
    );

    expect(code).toBe(0);
  });

  it.each([
    [['serve', 'openai-api', '--chunk-count', '0'], 'pag-testkit: serve: --chunk-count must be a positive integer'],
    [
      ['serve', 'gemini-api', '--per-chunk-delay-ms=-1'],
      'pag-testkit: serve: --per-chunk-delay-ms must be a number >= 0',
    ],
  ])('should exit 2 for %j', async (argv, message) => {
    const stdout = capture();
    const stderr = capture();

    const code = await runCli({ argv, stdout: stdout.output, stderr: stderr.output });

    expect(code).toBe(2);
    expect(stdout.text()).toBe('');
    expect(stderr.text().startsWith(message)).toBe(true);
  });

  it('should list both fakes and their flags in the usage', async () => {
    const stdout = capture();

    await runCli({ argv: ['--help'], stdout: stdout.output, stderr: capture().output });

    expect(stdout.text()).toContain('  openai-api  ');
    expect(stdout.text()).toContain('  gemini-api  ');
    expect(stdout.text()).toContain('--chunk-count <n>');
  });
});
