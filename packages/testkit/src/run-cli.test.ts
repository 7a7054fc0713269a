import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { FAKES } from './fake-registry.ts';
import { runCli } from './run-cli.ts';

function capture() {
  let text = '';
  return { output: { write: (chunk: string) => (text += chunk) }, text: () => text };
}

async function run(argv: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = await runCli({ argv, stdout: stdout.output, stderr: stderr.output });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url));

describe('runCli', () => {
  it.each([['--help'], ['-h'], ['help']])('should print usage and succeed for %s', async (flag) => {
    const { code, stdout, stderr } = await run([flag]);

    expect(code).toBe(0);
    expect(stdout).toContain('Usage: pag-testkit <command>');
    expect(stdout).toContain('openai-auth');
    expect(stderr).toBe('');
  });

  it.each([
    [['bogus'], 'pag-testkit: unknown command "bogus"'],
    [[], 'pag-testkit: missing command'],
    [['serve'], 'pag-testkit: serve: missing fake'],
    [['serve', 'codex'], 'pag-testkit: serve: unknown fake "codex"'],
    [['serve', 'openai-auth', '--port', 'x'], 'pag-testkit: serve: --port must be an integer from 1 to 65535'],
    [['serve', 'openai-auth', '--port', '0'], 'pag-testkit: serve: --port must be an integer from 1 to 65535'],
    [['serve', 'openai-auth', '--verbose'], "pag-testkit: serve: Unknown option '--verbose'"],
    // openai-auth plays no scenarios, so the scenario flags are not its own.
    [['serve', 'openai-auth', '--scenario', 'text'], "pag-testkit: serve: Unknown option '--scenario'"],
    [['serve', 'codex-backend', '--scenario', 'nonsense'], 'pag-testkit: serve: "scenario" "nonsense" is not a preset'],
  ])('should exit 2 for %j', async (argv, message) => {
    const { code, stdout, stderr } = await run(argv);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(`${message}`)).toBe(true);
    expect(stderr).toContain('\n\nUsage: pag-testkit <command>');
  });

  it('should serve openai-auth until the signal aborts, printing the base URL first', async () => {
    const stdout = capture();
    const stderr = capture();
    const controller = new AbortController();

    const exit = runCli({
      argv: ['serve', 'openai-auth', '--auto-approve'],
      stdout: stdout.output,
      stderr: stderr.output,
      signal: controller.signal,
    });
    await expect.poll(() => stdout.text()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\n$/);
    const url = stdout.text().trim();
    const modes = await fetch(`${url}/__testkit/modes`, { signal: AbortSignal.timeout(2000) });
    controller.abort();

    expect(await modes.json()).toMatchObject({ autoApprove: true });
    expect(await exit).toBe(0);
    expect(stderr.text()).toContain('Ctrl-C to stop');
    await expect(fetch(`${url}/__testkit/modes`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });

  it.each(FAKES.map((fake) => fake.name))('should serve %s with the common test hooks', async (name) => {
    const stdout = capture();
    const stderr = capture();
    const controller = new AbortController();
    const exit = runCli({
      argv: ['serve', name],
      stdout: stdout.output,
      stderr: stderr.output,
      signal: controller.signal,
    });
    await expect.poll(() => stdout.text()).toMatch(/^http:\/\/127\.0\.0\.1:\d+(\/v1)?\n$/);
    const url = new URL(stdout.text().trim()).origin;
    const requests = await fetch(`${url}/__testkit/requests`, { signal: AbortSignal.timeout(2000) });
    controller.abort();

    expect(await requests.json()).toEqual({ requests: [] });
    expect(await exit).toBe(0);
    expect(stderr.text()).toContain(`${name} fake:`);
  });

  it('should run as a plain Node script (type stripping, no loader)', async () => {
    const execute = promisify(execFile);

    const help = await execute(process.execPath, [cliPath, '--help'], { timeout: 10_000 });
    const unknown = await execute(process.execPath, [cliPath, 'bogus'], { timeout: 10_000 }).then(
      () => 0,
      (error: { code?: number }) => error.code,
    );

    expect(help.stdout).toContain('Usage: pag-testkit <command>');
    expect(unknown).toBe(2);
  });

  it('should serve from the script until SIGINT, then exit 0', async () => {
    const child = spawn(process.execPath, [cliPath, 'serve', 'openai-auth'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 15_000,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));

    await expect.poll(() => stdout, { timeout: 10_000 }).toContain('\n');
    const url = stdout.trim();
    const jwks = await fetch(`${url}/.well-known/jwks.json`, { signal: AbortSignal.timeout(2000) });
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');

    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(jwks.status).toBe(200);
    expect(code).toBe(0);
  });
});
