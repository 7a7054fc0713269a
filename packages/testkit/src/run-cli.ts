import { parseArgs } from 'node:util';
import { CODEX_BACKEND_CLI_USAGE, serveFakeCodexBackend } from './codex-backend/serve-fake-codex-backend.ts';
import { serveFakeGeminiApi } from './gemini-api/serve-fake-gemini-api.ts';
import { GOOGLE_OAUTH_CLI_USAGE, serveFakeGoogleOAuth } from './google-oauth/serve-fake-google-oauth.ts';
import { FAKE_API_FLAGS_USAGE, parseFakeApiFlags } from './openai-api/parse-fake-api-flags.ts';
import { serveFakeOpenAiApi } from './openai-api/serve-fake-openai-api.ts';
import { startFakeOpenAiAuth } from './openai-auth/start-fake-openai-auth.ts';

export type CliOutput = { write(text: string): unknown };

export type RunCliOptions = {
  /** Arguments after the executable and script, as in `process.argv.slice(2)`. */
  argv: readonly string[];
  stdout: CliOutput;
  stderr: CliOutput;
  /** Ends `serve`: the script aborts it on SIGINT/SIGTERM, tests abort it themselves. */
  signal?: AbortSignal;
};

const USAGE = `Usage: pag-testkit <command>

Fake upstreams of the personal AI gateway, for tests, demos and benchmarks.

Commands:
  help, --help, -h            Show this message.
  serve <fake> [options]      Run a fake until interrupted; prints its base URL on the first line of stdout.

Fakes:
  openai-auth                 auth.openai.com for the Codex client (PKCE login, device login, refresh, revoke).
    --port <n>                Listen on 127.0.0.1:<n> instead of an ephemeral port.
    --auto-approve            Authorize redirects at once for the first account, without a consent page.
  openai-api                  api.openai.com (models, chat completions, responses, embeddings); prints <url>/v1.
${FAKE_API_FLAGS_USAGE}  gemini-api                  generativelanguage.googleapis.com v1beta (API key or OAuth bearer).
${FAKE_API_FLAGS_USAGE}${GOOGLE_OAUTH_CLI_USAGE}${CODEX_BACKEND_CLI_USAGE}`;

/**
 * Runs the CLI and resolves with the exit code: 0 for help or after a served fake stops, 1 when a fake cannot start,
 * 2 for a missing or unknown command or option.
 */
export async function runCli(options: RunCliOptions): Promise<number> {
  const [command, ...rest] = options.argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    options.stdout.write(USAGE);
    return 0;
  }
  if (command === 'serve') return serve({ ...options, argv: rest });
  const problem = command == null ? 'missing command' : `unknown command ${JSON.stringify(command)}`;
  return usageError({ stderr: options.stderr, problem });
}

async function serve(options: RunCliOptions): Promise<number> {
  const [fakeName, ...flags] = options.argv;
  if (fakeName === 'openai-api' || fakeName === 'gemini-api') {
    return serveApiFake({ ...options, fakeName, argv: flags });
  }
  if (fakeName === 'codex-backend') {
    const result = await serveFakeCodexBackend({ ...options, argv: flags });
    return typeof result === 'number' ? result : usageError({ stderr: options.stderr, problem: result.usageProblem });
  }
  if (fakeName === 'google-oauth') {
    const result = await serveFakeGoogleOAuth({ ...options, argv: flags });
    return typeof result === 'number' ? result : usageError({ stderr: options.stderr, problem: result.usageProblem });
  }
  if (fakeName !== 'openai-auth') {
    const problem = fakeName == null ? 'serve: missing fake' : `serve: unknown fake ${JSON.stringify(fakeName)}`;
    return usageError({ stderr: options.stderr, problem });
  }
  let values: { port?: string; 'auto-approve'?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...flags],
      options: { port: { type: 'string' }, 'auto-approve': { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return usageError({ stderr: options.stderr, problem: `serve: ${(error as Error).message}` });
  }
  const port = values.port == null ? undefined : Number(values.port);
  if (port != null && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    return usageError({ stderr: options.stderr, problem: `serve: --port must be an integer from 1 to 65535` });
  }

  let fake: Awaited<ReturnType<typeof startFakeOpenAiAuth>>;
  try {
    fake = await startFakeOpenAiAuth({
      ...(port == null ? {} : { port }),
      ...(values['auto-approve'] === true ? { autoApprove: true } : {}),
    });
  } catch (error) {
    options.stderr.write(`pag-testkit: cannot start openai-auth: ${(error as Error).message}\n`);
    return 1;
  }
  options.stdout.write(`${fake.url}\n`);
  options.stderr.write(
    `openai-auth fake: client_id ${fake.clientId}, account ${fake.accounts[0]?.email ?? 'none'}\n` +
      `  authorize ${fake.url}/oauth/authorize   device page ${fake.url}/codex/device\n` +
      `  test hooks ${fake.url}/__testkit/…   Ctrl-C to stop\n`,
  );
  await waitForAbort(options.signal);
  await fake.close();
  return 0;
}

async function serveApiFake(options: RunCliOptions & { fakeName: 'openai-api' | 'gemini-api' }): Promise<number> {
  const flags = parseFakeApiFlags(options.argv);
  if (typeof flags === 'string') return usageError({ stderr: options.stderr, problem: `serve: ${flags}` });
  let fake: { close(): Promise<void> };
  try {
    const serveFake = options.fakeName === 'openai-api' ? serveFakeOpenAiApi : serveFakeGeminiApi;
    fake = await serveFake({ flags, stdout: options.stdout, stderr: options.stderr });
  } catch (error) {
    options.stderr.write(`pag-testkit: cannot start ${options.fakeName}: ${(error as Error).message}\n`);
    return 1;
  }
  await waitForAbort(options.signal);
  await fake.close();
  return 0;
}

function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  // Without a signal nothing can stop the fake but the process ending, which is what a bare script wants.
  if (signal == null) return new Promise<void>(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function usageError(options: { stderr: CliOutput; problem: string }): number {
  options.stderr.write(`pag-testkit: ${options.problem}\n\n${USAGE}`);
  return 2;
}
