import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.ts';

function capture() {
  let text = '';
  return { output: { write: (chunk: string) => (text += chunk) }, text: () => text };
}

function run(argv: string[]) {
  const stdout = capture();
  const stderr = capture();
  const code = runCli({ argv, stdout: stdout.output, stderr: stderr.output });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

describe('runCli', () => {
  it.each([['--help'], ['-h'], ['help']])('should print usage and succeed for %s', (flag) => {
    const { code, stdout, stderr } = run([flag]);

    expect(code).toBe(0);
    expect(stdout).toContain('Usage: pag-testkit <command>');
    expect(stdout).toContain('Fakes: none yet.');
    expect(stderr).toBe('');
  });

  it.each([
    [['serve', 'codex'], 'pag-testkit: unknown command "serve"'],
    [[], 'pag-testkit: missing command'],
  ])('should exit 2 for %j', (argv, message) => {
    const { code, stdout, stderr } = run(argv);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(`${message}\n\nUsage: pag-testkit <command>`)).toBe(true);
  });

  it('should run as a script through tsx', async () => {
    const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const execute = promisify(execFile);

    const help = await execute(process.execPath, ['--import', 'tsx', cliPath, '--help'], { timeout: 10_000 });
    const unknown = await execute(process.execPath, ['--import', 'tsx', cliPath, 'bogus'], { timeout: 10_000 }).then(
      () => 0,
      (error: { code?: number }) => error.code,
    );

    expect(help.stdout).toContain('Usage: pag-testkit <command>');
    expect(unknown).toBe(2);
  });
});
