import { describe, expect, it } from 'vitest';
import { DEFAULT_FAKE_GEMINI_API_KEY } from '../gemini-api/start-fake-gemini-api.ts';
import { runCli } from '../run-cli.ts';
import { DEFAULT_FAKE_OPENAI_API_KEY } from './start-fake-openai-api.ts';

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
    expect(stderr).toContain('openai-api fake: key sk-test-');
  });

  it('should serve gemini-api with a custom key', async () => {
    const { code } = await serveUntilAborted(['serve', 'gemini-api', '--api-key', 'AIza-cli'], async (url) => {
      const accepted = await fetch(`${url}/v1beta/models`, {
        headers: { 'x-goog-api-key': 'AIza-cli' },
        signal: AbortSignal.timeout(5000),
      });
      const refused = await fetch(`${url}/v1beta/models`, {
        headers: { 'x-goog-api-key': DEFAULT_FAKE_GEMINI_API_KEY },
        signal: AbortSignal.timeout(5000),
      });
      expect([accepted.status, refused.status]).toEqual([200, 400]);
    });

    expect(code).toBe(0);
  });

  it.each([
    [['serve', 'openai-api', '--chunk-count', '0'], 2, 'pag-testkit: serve: --chunk-count must be a positive integer'],
    [
      ['serve', 'gemini-api', '--per-chunk-delay-ms=-1'],
      2,
      'pag-testkit: serve: --per-chunk-delay-ms must be a number >= 0',
    ],
    [['serve', 'gemini-api', '--port', '99999'], 2, 'pag-testkit: serve: --port must be an integer from 1 to 65535'],
    [['serve', 'openai-api', '--verbose'], 2, "pag-testkit: serve: Unknown option '--verbose'"],
    [
      ['serve', 'openai-api', '--scenario', 'nope'],
      1,
      'pag-testkit: cannot start openai-api: "scenario" "nope" is not a preset',
    ],
  ])('should fail for %j', async (argv, expectedCode, message) => {
    const stdout = capture();
    const stderr = capture();

    const code = await runCli({ argv, stdout: stdout.output, stderr: stderr.output });

    expect(code).toBe(expectedCode);
    expect(stdout.text()).toBe('');
    expect(stderr.text().startsWith(message)).toBe(true);
  });

  it('should list both fakes and their flags in the usage', async () => {
    const stdout = capture();

    await runCli({ argv: ['--help'], stdout: stdout.output, stderr: capture().output });

    expect(stdout.text()).toContain('  openai-api  ');
    expect(stdout.text()).toContain('  gemini-api  ');
    expect(stdout.text()).toContain('--scenario <name>');
  });
});
