import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { startFakeOpenAiAuth } from '../index.ts';
import { runCli } from '../run-cli.ts';
import { fetchWithTimeout } from '../test-fetch.ts';
import type { FakeCodexBackend } from './codex-backend-fake.ts';
import { codexRequestBody, postResponses } from './codex-backend-test-support.ts';

afterEach(closeAllFakeServers);

function capture() {
  let text = '';
  return { output: { write: (chunk: string) => (text += chunk) }, text: () => text };
}

describe('pag-testkit serve codex-backend', () => {
  it('should serve until the signal aborts, trusting only the given auth server', async () => {
    const auth = await startFakeOpenAiAuth();
    const stranger = await startFakeOpenAiAuth();
    const stdout = capture();
    const stderr = capture();
    const controller = new AbortController();

    const exit = runCli({
      argv: ['serve', 'codex-backend', '--auth-url', auth.url, '--scenario', 'reasoning-text'],
      stdout: stdout.output,
      stderr: stderr.output,
      signal: controller.signal,
    });
    await expect.poll(() => stdout.text()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\n$/);
    const url = stdout.text().trim();
    // Only what postResponses reads of a backend handle.
    const backend = { codexBaseUrl: `${url}/backend-api/codex` } as FakeCodexBackend;
    const tokens = await auth.mintTokens();
    const good = await postResponses({ rig: { auth, backend, tokens }, body: codexRequestBody() });
    const goodText = await good.text();
    const foreign = await postResponses({
      rig: { auth, backend, tokens: await stranger.mintTokens() },
      body: codexRequestBody(),
    });
    controller.abort();

    expect(good.status).toBe(200);
    expect(goodText).toContain('event: response.reasoning_summary_text.delta');
    expect(foreign.status).toBe(401);
    expect(await exit).toBe(0);
    await expect(fetchWithTimeout(`${url}/__testkit/exchanges`)).rejects.toThrow();
  });

  it.each([
    [['--port', '0'], 'pag-testkit: serve: --port must be an integer from 1 to 65535'],
    [['--auth-url', 'http://127.0.0.1:1/x'], 'pag-testkit: serve: --auth-url must be an http(s) origin'],
    [['--scenario', 'nope'], 'pag-testkit: serve: "scenario" "nope" is not a preset'],
    [['--verbose'], "pag-testkit: serve: Unknown option '--verbose'"],
  ])('should exit 2 for %j', async (flags, message) => {
    const stdout = capture();
    const stderr = capture();

    const code = await runCli({
      argv: ['serve', 'codex-backend', ...flags],
      stdout: stdout.output,
      stderr: stderr.output,
    });

    expect(code).toBe(2);
    expect(stdout.text()).toBe('');
    expect(stderr.text().startsWith(message)).toBe(true);
    expect(stderr.text()).toContain('codex-backend');
  });

  it('should list codex-backend in the help text', async () => {
    const stdout = capture();

    await runCli({ argv: ['--help'], stdout: stdout.output, stderr: capture().output });

    expect(stdout.text()).toContain('codex-backend               chatgpt.com/backend-api for Codex');
  });
});
