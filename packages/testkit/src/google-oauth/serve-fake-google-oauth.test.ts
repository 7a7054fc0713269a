import { describe, expect, it } from 'vitest';
import { runCli } from '../run-cli.ts';

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

describe('pag-testkit serve google-oauth', () => {
  it('should list google-oauth in the usage', async () => {
    expect((await run(['--help'])).stdout).toContain('google-oauth ');
  });

  it.each([
    [['--port', 'x'], 'pag-testkit: serve: --port must be an integer from 1 to 65535'],
    [['--client-id', 'only-an-id'], 'pag-testkit: serve: --client-id and --client-secret go together'],
    [['--verbose'], "pag-testkit: serve: Unknown option '--verbose'"],
  ])('should exit 2 for %j', async (flags, message) => {
    const { code, stdout, stderr } = await run(['serve', 'google-oauth', ...flags]);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.startsWith(message)).toBe(true);
    expect(stderr).toContain('Usage: pag-testkit <command>');
  });

  it('should exit 1 when the fake cannot start', async () => {
    const { code, stderr } = await run(['serve', 'google-oauth', '--redirect-uri', 'not a url']);

    expect(code).toBe(1);
    expect(stderr).toBe(
      'pag-testkit: cannot start google-oauth: "clients[0].redirectUris" must hold absolute http(s) URLs, got "not a url"\n',
    );
  });

  it('should serve the given client until the signal aborts, printing the base URL first', async () => {
    const stdout = capture();
    const stderr = capture();
    const controller = new AbortController();
    const redirectUri = 'http://127.0.0.1:4000/api/connections/google/callback';

    const exit = runCli({
      argv: [
        'serve',
        'google-oauth',
        '--auto-approve',
        '--client-id',
        'cli.apps.googleusercontent.com',
        '--client-secret',
        'GOCSPX-cli',
        '--redirect-uri',
        redirectUri,
      ],
      stdout: stdout.output,
      stderr: stderr.output,
      signal: controller.signal,
    });
    await expect.poll(() => stdout.text(), { timeout: 10_000 }).toMatch(/^http:\/\/127\.0\.0\.1:\d+\n$/);
    const url = stdout.text().trim();
    expect(stderr.text()).toContain(`GATEWAY_GOOGLE_AUTH_URL=${url}/o/oauth2/v2/auth`);
    const clients = (await (await fetch(`${url}/__testkit/clients`)).json()) as { clients: unknown[] };
    expect(clients.clients).toEqual([
      { clientId: 'cli.apps.googleusercontent.com', clientSecret: 'GOCSPX-cli', redirectUris: [redirectUri] },
    ]);

    controller.abort();

    expect(await exit).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });
});
